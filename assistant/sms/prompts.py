"""A question as one text message (SMS, chat): the text player's rendering, its segment budget.

The journeys give each question a label (and a short one for text), its choices and whether to
list them; how a question reads in a message that must fit three SMS segments is this player's
business, not the engine's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.core.text import _l
from dialogs.engine import Context, Question

# What one message may take: three SMS segments of UCS-2 (a single "ê" or "…" forces UCS-2)
MESSAGE_UNITS = 201


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _shared(words: list[str], others: list[list[str]]) -> int:
    """How many leading words this label shares with the most alike of the others."""
    most = 0
    for other in others:
        count = 0
        while count < min(len(words), len(other)) and words[count] == other[count]:
            count += 1
        most = max(most, count)
    return most


def _distinct(labels: list[str], width: int = 40) -> list[str]:
    """Labels that would be cut where they are still alike ("Travaux d'installation d'eau…",
    "Travaux d'installation d'équipements…") keep their first word, then where they differ:
    "Travaux … d'eau et de gaz", "Travaux … d'équipements thermiques"."""
    split = [label.split() for label in labels]
    shown = []
    for index, words in enumerate(split):
        others = split[:index] + split[index + 1 :]
        shared = _shared(words, others)
        if len(labels[index]) > width // 2 and shared >= 2 and len(words) > shared:
            # the last shared word too when more are left out ("… électrique dans tous locaux")
            shown.append(" ".join([words[0], "…", *words[shared - (shared >= 3) :]]))
        else:
            shown.append(labels[index])
    return shown


def prompt(
    question: Question,
    answers: Mapping[str, Any],
    context: Context,
    width: int = 40,
    room: int = MESSAGE_UNITS,
) -> str:
    """The question as one message (SMS, chat): short label, then numbered choices if any.

    Long choice labels are cut, shorter and shorter until the message takes at most `room`
    UTF-16 units, so that every choice (and its number) is still sent.
    """
    text = question.text(answers, context, short=True)
    if question.kind == "yesno":
        return f"{text} {_l('Répondez OUI ou NON.')}"
    if question.kind in ("choice", "multi") and question.list_choices:
        labels = _distinct([str(choice.label) for choice in question.options(answers, context)])
        while True:
            lines = [text]
            for number, label in enumerate(labels, start=1):
                if len(label) > width:
                    label = label[: width - 1].rstrip() + "…"
                lines.append(f"{number}. {label}")
            message = "\n".join(lines)
            if _units(message) <= room or width <= 12:
                return message
            width -= 2
    return text
