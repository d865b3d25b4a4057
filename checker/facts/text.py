"""Text measures used by the duplication and consistency facts."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from rapidfuzz.distance import Indel

_PUNCT_RE = re.compile(r"[\s\u3000，,。．.、；;：:！!？?“”\"'‘’（）()《》<>【】\[\]—\-…·]+")
_SENTENCE_RE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
_STATUS_BLANK = {"", "无", "—", "-", "/", "0", "——", "无。", "不适用", "无偏差"}
_NONE_ANSWER_RE = re.compile(r"^(?:无|暂无|没有|无问题|暂无问题|暂未发现问题|未发现问题|无其他问题|无其他需要说明的问题|不存在问题)$")


_NONE_TAIL_RE = re.compile(r"(?:暂无|没有|无|未发现|不存在)(?:明显|其他|任何)?(?:问题|不足)$")
_PROBLEM_WORDS_RE = re.compile(r"但|不足|不够|滞后|较慢|偏低|困难|缺乏|有待|需要|需进一步|尚未|未能|不到位|不及时|存在")


def none_answer(text: str) -> bool:
    """"无", "（无）", "暂无问题。", "项目运转正常，暂无问题": the filer says there is nothing to report."""
    s = squash(text)
    if _NONE_ANSWER_RE.match(s):
        return True
    # a short sentence ending in 暂无问题 and naming no problem of its own
    return len(s) <= 40 and bool(_NONE_TAIL_RE.search(s)) and not _PROBLEM_WORDS_RE.search(s[:-4])


@lru_cache(maxsize=4096)
def squash(text: str) -> str:
    """Text as compared: NFKC, no blanks or punctuation."""
    return _PUNCT_RE.sub("", unicodedata.normalize("NFKC", text))


def similarity(a: str, b: str) -> float:
    """0–1 share of characters the two texts have in common, in order (2 × longest common subsequence /
    total length; rapidfuzz's Indel similarity, in C), on squashed text."""
    sa, sb = squash(a), squash(b)
    if not sa or not sb:
        return 0.0
    return Indel.normalized_similarity(sa, sb)


def contained_share(part: str, whole: str) -> float:
    """Share of `part` that appears in `whole` as matching blocks of four characters or more. difflib's
    longest-block-first matching, not an alignment: a sentence cut from a longer one counts whole."""
    sa, sb = squash(part), squash(whole)
    if not sa or not sb:
        return 0.0
    blocks = SequenceMatcher(None, sa, sb, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= 4) / len(sa)


# A phrase of 4+ characters written twice in a row ("全民安全生产意识全民安全生产意识").
_STUTTER_RE = re.compile(r"([\u4e00-\u9fffA-Za-z0-9]{4,40}?)\1")


def stutter(text: str) -> str | None:
    """The longest phrase written twice in a row, or None. Only blanks are ignored between the two: a phrase
    taken up again after a comma ("成立了领导小组，领导小组下设办公室") is how Chinese prose links clauses."""
    best: str | None = None
    for m in _STUTTER_RE.finditer(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))):
        phrase = m.group(1)
        if len(set(phrase)) < 2:  # "一一一一" is emphasis, not a stutter
            continue
        if best is None or len(phrase) > len(best):
            best = phrase
    return best


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


def filled(text: str) -> bool:
    """A reason field holds a real reason, not a placeholder."""
    return squash(text) not in {squash(x) for x in _STATUS_BLANK} and bool(text.strip(" \u3000"))


def shorten(text: str, n: int = 60) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"
