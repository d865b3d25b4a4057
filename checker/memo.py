"""Memos for functions of a text that recur by length: short texts (labels, values) recur in every filing
and are remembered in a large memo; long ones (paragraphs) recur only within their filing, so a small memo
serves them and memory stays bounded whatever the archive."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

T = TypeVar("T")


def by_length(short: int, short_size: int = 16384, long_size: int = 512) -> Callable[[Callable[[str], T]],
                                                                                    Callable[[str], T]]:
    """Memoise a function of one text: texts up to `short` characters in a memo of `short_size` entries,
    longer ones in a memo of `long_size`."""
    def wrap(fn: Callable[[str], T]) -> Callable[[str], T]:
        small, large = lru_cache(maxsize=short_size)(fn), lru_cache(maxsize=long_size)(fn)

        @wraps(fn)
        def call(text: str) -> T:
            return (small if len(text) <= short else large)(text)
        return call
    return wrap
