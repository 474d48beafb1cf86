"""The guided dialogues: the engine and the journeys, each defined once for SMS, chat and web."""
