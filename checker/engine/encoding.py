"""Facts as durable-rules reads them: booleans as 0/1, no number it would misparse."""

from __future__ import annotations

from typing import Any


def encode_number(x: int | float) -> int | float:
    """durable-rules parses JSON numbers itself and knows no exponent notation (1e-05): tiny values are 0."""
    if type(x) is int:
        return x
    if x.is_integer():
        return int(x)
    if abs(x) < 1e-4:
        return 0
    return x


def encode_fact(fact: dict[str, Any], sid: str) -> dict[str, Any]:
    """The fact as asserted in session `sid`. Facts hold str, bool, int and float only (checker.facts)."""
    out: dict[str, Any] = {"sid": sid, "id": fact["fid"]}
    for k, v in fact.items():
        t = type(v)
        if t is bool:
            out[k] = int(v)
        elif t is float or t is int:
            out[k] = encode_number(v)
        else:
            out[k] = v
    return out
