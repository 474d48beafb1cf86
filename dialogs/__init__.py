"""Guided dialogues, defined once and played by SMS, web chat and web forms (see README.md)."""
