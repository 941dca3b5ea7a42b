"""Text as stored: no NUL or other control characters.

A NUL or a stray control character in a name or a sentence breaks CSV readers, terminals and HTML,
and is never part of what the source meant to say. They are removed before anything is stored;
tab and the line breaks stay, a form feed or vertical tab becomes a line break.
"""

from __future__ import annotations

# C0 controls but tab, line feed and carriage return; DEL; C1 controls (U+0080-U+009F).
CONTROL_CHARACTERS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_TABLE = {c: None for c in [*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0)]} | {0x0B: "\n", 0x0C: "\n"}


def strip_control_characters(text: str) -> str:
    """The text without control characters (form feed and vertical tab become line breaks)."""
    return text.translate(_TABLE)


def control_share(text: str) -> float:
    """The share of control characters in a text (binary content read as text is full of them)."""
    return (len(text) - len(text.translate(_TABLE))) / len(text) if text else 0.0


def shorten(text: str, limit: int) -> str:
    """The text on one line, cut at the last word boundary so that it fits in `limit` characters with an
    ellipsis (mid-word only when a single word is longer than the room); whole when it fits."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = text[:max(limit - 1, 0)]
    cut = room.rsplit(" ", 1)[0] if " " in room else room
    return cut.rstrip(",;:") + "…"


def list_title(authority: str, list_name: str) -> str:
    """A list as messages name it: "UK OFSI Consolidated List", "US OFAC SDN List"; a list whose name
    already begins with its authority ("UK Sanctions List") is not named with it twice."""
    return list_name if list_name.split(" ", 1)[0] == authority else f"{authority} {list_name}"
