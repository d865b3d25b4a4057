"""Text from outside — file names, project names, cells — made safe to show. A file name in GBK bytes (what
unzipping a Windows archive gives) arrives as a str with surrogate escapes and is shown decoded; control
characters (ESC[2J, a bell) are shown as visible escapes, never sent to a terminal, a CI log or a page."""

from __future__ import annotations

import re

_SURROGATES = re.compile(r"[\udc80-\udcff]+")
# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that reorder what is shown
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def decoded(s: str) -> str:
    """Undecodable bytes of a name (surrogate escapes) as the Chinese Windows encoding would show them, or each
    as its escape (\\xff) — never U+FFFD, so two names stay two labels; the rest of the text as it is."""
    if not _SURROGATES.search(s):
        return s
    return _SURROGATES.sub(
        lambda m: m.group().encode("utf-8", "surrogateescape").decode("gb18030", "backslashreplace"), s)


def printable(s: str) -> str:
    """`decoded`, with every control character shown as its escape (\\x1b) instead of acting on the screen."""
    s = decoded(s)
    if not _CONTROL.search(s):
        return s
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", s)
