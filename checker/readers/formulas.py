"""The arithmetic of a score table's formulas, for workbooks saved without their results.

A workbook written by a program (not saved by Excel or WPS) keeps `=SUM(H3:H11)` but no value, and would
read as an empty cell. Score tables use a small part of Excel: numbers, cell references, ranges inside
SUM/AVERAGE/MIN/MAX/COUNT, ROUND, + - * / and parentheses. That part is evaluated here by a small parser
(nothing is ever passed to Python's eval); any other formula is left unread and named in a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.utils.cell import column_index_from_string, get_column_letter

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?%?)|(?P<range>\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+)"
                    r"|(?P<ref>\$?[A-Z]{1,3}\$?\d+)|(?P<fn>[A-Z]+)\s*\(|(?P<op>[-+*/(),]))")
_FUNCTIONS = {"SUM", "AVERAGE", "MIN", "MAX", "COUNT", "ROUND"}
MAX_DEPTH = 50  # formulas that refer to formulas: deeper than this is a loop


class Unsupported(Exception):
    """A formula outside the part of Excel evaluated here."""


def evaluate(formula: str, value_of: Callable[[str], float | None]) -> float | None:
    """The result of `=…`, with `value_of("H3")` giving a referenced cell's number (None when empty); None
    when the formula uses anything else."""
    text = formula.lstrip("=").strip().upper()
    tokens = _tokens(text)
    if tokens is None:
        return None
    try:
        parser = _Parser(tokens, value_of)
        result = parser.expr()
        if parser.i != len(tokens):
            return None
        return result
    except (Unsupported, ZeroDivisionError, IndexError, ValueError, OverflowError):
        return None


def _tokens(text: str) -> list[tuple[str, str]] | None:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            return None if text[pos:].strip() else out
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def cells_of(rng: str) -> list[str]:
    """B3:C4 → B3, C3, B4, C4."""
    a, b = rng.replace("$", "").split(":")
    ca, ra = _split(a)
    cb, rb = _split(b)
    if (rb - ra + 1) * (cb - ca + 1) > 10_000:
        raise Unsupported(rng)
    return [f"{get_column_letter(c)}{r}" for r in range(min(ra, rb), max(ra, rb) + 1)
            for c in range(min(ca, cb), max(ca, cb) + 1)]


def _split(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref)
    if m is None:
        raise Unsupported(ref)
    return column_index_from_string(m.group(1)), int(m.group(2))


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], value_of: Callable[[str], float | None]) -> None:
        self.t = tokens
        self.i = 0
        self.value_of = value_of

    def peek(self) -> tuple[str, str] | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self, op: str) -> bool:
        if self.peek() == ("op", op):
            self.i += 1
            return True
        return False

    def expr(self) -> float:
        value = self.term()
        while True:
            if self.take("+"):
                value += self.term()
            elif self.take("-"):
                value -= self.term()
            else:
                return value

    def term(self) -> float:
        value = self.unary()
        while True:
            if self.take("*"):
                value *= self.unary()
            elif self.take("/"):
                value /= self.unary()
            else:
                return value

    def unary(self) -> float:
        if self.take("-"):
            return -self.unary()
        if self.take("+"):
            return self.unary()
        return self.atom()

    def atom(self) -> float:
        tok = self.peek()
        if tok is None:
            raise Unsupported("end")
        kind, text = tok
        self.i += 1
        if kind == "num":
            return float(text[:-1]) / 100 if text.endswith("%") else float(text)
        if kind == "ref":
            v = self.value_of(text.replace("$", ""))
            return 0.0 if v is None else v  # an empty cell counts as 0 in Excel's arithmetic
        if kind == "op" and text == "(":
            value = self.expr()
            if not self.take(")"):
                raise Unsupported(")")
            return value
        if kind == "fn" and text in _FUNCTIONS:
            return self.call(text)
        raise Unsupported(text)

    def call(self, name: str) -> float:
        args: list[float | None] = []
        while not self.take(")"):
            tok = self.peek()
            if tok is not None and tok[0] == "range":
                self.i += 1
                args += [self.value_of(c) for c in cells_of(tok[1])]
            else:
                args.append(self.expr())
            if not self.take(","):
                if not self.take(")"):
                    raise Unsupported(name)
                break
        numbers = [a for a in args if a is not None]
        if name == "ROUND":
            if len(args) != 2 or args[0] is None or args[1] is None:
                raise Unsupported(name)
            return _round_half_up(args[0], int(args[1]))
        if name == "SUM":
            return sum(numbers)
        if name == "COUNT":
            return float(len(numbers))
        if not numbers:
            raise Unsupported(name)  # Excel gives #DIV/0! or 0: not a figure to check
        if name == "AVERAGE":
            return sum(numbers) / len(numbers)
        return min(numbers) if name == "MIN" else max(numbers)


def _round_half_up(x: float, digits: int) -> float:
    """Excel rounds halves away from zero (Python's round() goes to even)."""
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))
