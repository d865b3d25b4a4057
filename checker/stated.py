"""What a report's text states of its money: each amount with its role (budget, received, spent), each rate
with its name (执行率, 拨付率, 到位率 …).

"项目资金共2179万元，截止12月8日已完成拨付2113.63万元，执行率97%" states a budget, a spending and an execution
rate. The role of an amount is the nearest role word before it in its clause (安排/下达/批复/预算 → budget;
到位 → received; 支出/执行/使用/拨付 → spent); an amount in a 其中 clause is a part of the one before, and an
amount of a 结余/结转 is neither. Readers turn the statements into the funding of a report with no table;
the facts compare a stated rate with the amounts stated beside it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from checker.quantity import MONEY_FACTORS

Role = str  # "budget" | "received" | "spent" | "part" | "balance"

_MONEY_RE = re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|千元|元|"
                       r"万(?=[并和及且，,。；;、\s]|$))")  # "预算资金13.971129万并…": 万 for 万元 at a clause's end
_CLAUSE_RE = re.compile(r"[，,；;。！？!?\n]")
# role words, each with the role it gives the amount after it; the nearest before the amount decides
_ROLE_WORDS: tuple[tuple[str, Role], ...] = (
    ("结余", "balance"), ("结转", "balance"), ("节约", "balance"), ("剩余", "balance"), ("未支出", "balance"),
    ("未使用", "balance"), ("未拨付", "balance"), ("未执行", "balance"), ("尚未", "balance"), ("缺口", "balance"),
    ("还需", "balance"), ("尚需", "balance"), ("差额", "balance"), ("收回", "balance"), ("退回", "balance"),
    ("到位", "received"), ("到账", "received"), ("拨入", "received"), ("收到", "received"),
    ("支出", "spent"), ("执行", "spent"), ("使用", "spent"), ("拨付", "spent"), ("支付", "spent"),
    ("兑付", "spent"), ("发放", "spent"), ("完成投资", "spent"), ("花费", "spent"), ("报账", "spent"),
    ("用于", "part"), ("列支", "spent"), ("实际完成", "spent"), ("累计完成", "spent"), ("拨款", "spent"),
    ("预算", "budget"), ("安排", "budget"), ("下达", "budget"), ("批复", "budget"), ("获批", "budget"),
    ("核定", "budget"), ("下拨", "budget"), ("筹集", "budget"), ("申请", "budget"), ("资金总额", "budget"),
    ("分配", "budget"), ("落实", "budget"), ("争取", "budget"), ("获得", "budget"), ("到达", "received"),
    ("合计", "total"), ("共计", "total"), ("总计", "total"), ("总额", "total"),
    ("转移支付", "noun"), ("支付令", "noun"), ("执行情况", "noun"), ("使用情况", "noun"), ("支出情况", "noun"),
    ("计划投资", "investment"), ("总投资", "investment"), ("估算投资", "investment"), ("投资", "investment"),
)
_ROLE_RE = re.compile("|".join(sorted((re.escape(w) for w, _ in _ROLE_WORDS), key=len, reverse=True)))
_ROLE_OF = dict(_ROLE_WORDS)
_MONEY_NOUN_RE = re.compile(r"资金|经费|款|预算")
_ADJUSTED_RE = re.compile(r"调整后|调整预算|调整为|追加后|调增后|调减后")
_FULL_SPENT_RE = re.compile(r"(?:已|均已)?(?:全部|全额|足额)(?:完成)?(?:使用|拨付|支付|支出|兑付|发放|报账)|(?:使用|拨付|支付|支出)完毕")
_FULL_RECEIVED_RE = re.compile(r"(?:全部|全额|足额)(?:资金)?到位|到位率(?:为|达|达到)?100(?:\.0+)?%")
_RATE_RE = re.compile(r"(?P<name>预算执行率|资金执行率|执行率|支出率|使用率|支付率|拨付率|到位率|兑付率|完成率)"
                      r"(?:为|达|达到|是|约|仅为|仅|只有)?[:：]?\s*(?P<num>\d+(?:\.\d+)?)\s*[%％]")
# the rates that measure spending against the budget, and the roles of their two amounts
RATE_BASIS: dict[str, tuple[tuple[Role, ...], tuple[Role, ...]]] = {
    "执行率": (("spent",), ("budget", "received")), "预算执行率": (("spent",), ("budget", "received")),
    "资金执行率": (("spent",), ("budget", "received")), "支出率": (("spent",), ("budget", "received")),
    "使用率": (("spent",), ("budget", "received")), "支付率": (("spent",), ("budget", "received")),
    "拨付率": (("spent",), ("budget", "received")), "兑付率": (("spent",), ("budget", "received")),
    "到位率": (("received",), ("budget",)),
}
EXECUTION_RATES = ("执行率", "预算执行率", "资金执行率", "支出率", "使用率", "支付率", "拨付率", "兑付率")


@dataclass(frozen=True)
class Amount:
    role: Role  # budget, received, spent, part, balance
    value: float  # 万元
    raw: str  # as written: "2113.63万元"
    sentence: int  # index of the sentence in its text
    start: int  # position in the text
    slack: float  # half a unit of the last digit written, in 万元
    strength: int = 1  # for a budget: 3 adjusted (调整后), 2 a total (合计), 1 stated, 0 an investment, -1 a bare 资金


@dataclass(frozen=True)
class Rate:
    name: str
    value: float  # %
    raw: str
    sentence: int
    start: int
    slack: float  # half a unit of the last digit written, in percentage points


def _slack(number: str, factor: float = 1.0) -> float:
    decimals = len(number.split(".")[1]) if "." in number else 0
    return 0.5 * 10 ** -decimals * factor


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("％", "%")


def _sentence_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"[。！？!?\n]", text)]


def _sentence_of(starts: list[int], pos: int) -> int:
    k = 0
    for i, s in enumerate(starts):
        if s <= pos:
            k = i
    return k


def amounts(text: str) -> list[Amount]:
    """Every money amount of a text with its role; an amount no word gives a role is left out."""
    t = _norm(text)
    starts = _sentence_starts(t)
    out: list[Amount] = []
    for m in _MONEY_RE.finditer(t):
        # under a heading about arrival ("项目资金到位情况分析。…已全部拨付"), 拨付 is the money reaching the project
        line_start = t.rfind("\n", 0, m.start()) + 1
        head = re.split(r"[。:：\n]", t[line_start:], maxsplit=1)[0]
        arrival = "到位" in head and not re.search(r"执行|支出|使用", head)
        clause_start = max((c.end() for c in _CLAUSE_RE.finditer(t, 0, m.start())), default=0)
        clause_end = next((c.start() for c in _CLAUSE_RE.finditer(t, m.end())), len(t))
        before, after = t[clause_start:m.start()], t[m.end():clause_end]
        role, strength = _role(before, after)
        if role is None:
            continue
        if arrival and role == "spent" and re.search(r"拨付|下拨|拨款|拨入", before + after):
            role = "received"
        number = m.group("num").replace(",", "")
        if m.group("unit") == "万" and not _MONEY_NOUN_RE.search(before):
            continue  # a bare 万 is money only beside 资金, 经费, 预算
        factor = MONEY_FACTORS[m.group("unit") if m.group("unit") != "万" else "万元"]
        out.append(Amount(role, float(number) * factor, m.group(0), _sentence_of(starts, m.start()), m.start(),
                          _slack(number, factor), strength))
    return out


def _role(before: str, after: str) -> tuple[Role | None, int]:
    """The role of an amount from the words of its clause: the nearest role word before it, else the first
    after it ("4.4万元慰问经费于1月全部使用完毕"), else a money noun before it (a budget, weakly)."""
    if "其中" in before:
        words_after_of = [w for w in _ROLE_RE.finditer(before[before.rfind("其中"):]) if _ROLE_OF[w.group(0)] != "noun"]
        if not words_after_of or _ROLE_OF[words_after_of[-1].group(0)] not in ("spent", "received", "balance"):
            return "part", 0
    words = [w for w in _ROLE_RE.finditer(before) if _ROLE_OF[w.group(0)] != "noun"]
    if words:
        role = _ROLE_OF[words[-1].group(0)]
        if role == "total" and len(words) > 1 and _ROLE_OF[words[-2].group(0)] in ("spent", "received") and \
                words[-1].start() - words[-2].end() <= 2:
            role = _ROLE_OF[words[-2].group(0)]  # 支出共计, 到位合计: the total of what was spent (received)
    else:
        nxt = next((w for w in _ROLE_RE.finditer(after) if _ROLE_OF[w.group(0)] != "noun"), None)
        role = _ROLE_OF[nxt.group(0)] if nxt is not None else None
        if role is None:
            return ("budget", -1) if _MONEY_NOUN_RE.search(before) else (None, 0)
        if role in ("total", "investment"):
            return None, 0
    if role == "total":
        return "budget", 2
    if role == "investment":
        return "budget", 0
    if role == "budget":
        return "budget", 3 if _ADJUSTED_RE.search(before) else 1
    return role, 1


def rates(text: str) -> list[Rate]:
    t = _norm(text)
    starts = _sentence_starts(t)
    return [Rate(m.group("name"), float(m.group("num")), m.group(0), _sentence_of(starts, m.start()), m.start(),
                 _slack(m.group("num"))) for m in _RATE_RE.finditer(t)]


@dataclass(frozen=True)
class RateCheck:
    """A stated rate against the amounts stated with it."""

    rate: Rate
    numerator: Amount
    denominator: Amount
    computed: float
    consistent: bool  # some pair of the amounts stated with it gives the rate
    same_sentence: bool  # the rate and the pair compared are in one sentence


def check_rate(text: str, rate: Rate, found: list[Amount]) -> RateCheck | None:
    """The rate against the amounts before it in its sentence, or else in its paragraph; None where the text
    does not state both amounts."""
    num_roles, den_roles = RATE_BASIS.get(rate.name, ((), ()))
    if not num_roles:
        return None
    before = [a for a in found if a.start < rate.start]
    in_sentence = [a for a in before if a.sentence == rate.sentence]
    for pool, same in ((in_sentence, True), (before, False)):
        nums = [a for a in pool if a.role in num_roles]
        dens = [a for a in pool if a.role in den_roles]
        if not nums or not dens:
            continue
        num, den = nums[-1], dens[0]
        if den.value <= 0:
            return None
        computed = num.value / den.value * 100
        # a rate may be of a part of the budget (其中中央资金800万元 … 执行率95%): any pair that gives it will do
        consistent = any(abs(n.value / d.value * 100 - rate.value) <= _tolerance(rate, n, d)
                         for n in [a for a in found if a.role in num_roles + ("part",)]
                         for d in [a for a in found if a.role in den_roles + ("part",)] if d.value > 0)
        # a rate of 100% said of the money that reached the project (拨付 both ways) is no contradiction
        return RateCheck(rate, num, den, round(computed, 2), consistent, same)
    return None


def _tolerance(rate: Rate, num: Amount, den: Amount) -> float:
    """Rounding of the rate as written plus the rounding of its two amounts, in percentage points."""
    amounts_slack = (num.slack / den.value + num.value * den.slack / den.value ** 2) * 100 if den.value else 0.0
    return max(rate.slack, 0.05) + amounts_slack + 0.01


@dataclass(frozen=True)
class Stated:
    """A report's funding as its text states it: each figure with the index of the text it is in."""

    budget: tuple[int, Amount] | None = None
    received: tuple[int, Amount] | None = None
    spent: tuple[int, Amount] | None = None
    rate: tuple[int, Rate] | None = None
    received_in_full: int | None = None  # the text saying the budget arrived in full (到位率100%, 全部到位)
    spent_in_full: int | None = None  # the text saying the budget was spent in full (已全部拨付, 使用完毕)


def stated_funding(texts: list[str]) -> Stated:
    """Budget, money received and spent, and the execution rate, from a report's paragraphs in document
    order: the budget is the first paragraph's strongest budget amount (an adjusted budget over the first, a
    total over its parts, a stated budget over an investment); the spending, rate and arrival are the first
    stated with or after it."""
    found = [(i, a) for i, t in enumerate(texts) for a in amounts(t)]
    said = [(i, r) for i, t in enumerate(texts) for r in rates(t)]
    budget = None
    for floor in (1, 0, -1):
        first = next((i for i, a in found if a.role == "budget" and a.strength >= floor), None)
        if first is not None:
            pool = [a for i, a in found if i == first and a.role == "budget" and a.strength >= floor]
            best = max(pool, key=lambda a: (a.strength, -a.start))
            budget = (first, best)
            break
    start = (budget[0], budget[1].start) if budget else (0, -1)

    def after(role: str) -> tuple[int, Amount] | None:
        later = [(i, a) for i, a in found if a.role == role and (i, a.start) > start]
        return later[0] if later else next(((i, a) for i, a in found if a.role == role), None)

    spent, received = after("spent"), after("received")
    execution = [(i, r) for i, r in said if r.name in EXECUTION_RATES]
    later_rates = [(i, r) for i, r in execution if (i, r.start) > start]
    rate = later_rates[0] if later_rates else (execution[0] if execution else None)
    from_index = budget[0] if budget else 0
    full_spent = next((i for i, t in enumerate(texts) if i >= from_index and _FULL_SPENT_RE.search(_norm(t))), None)
    full_received = next((i for i, t in enumerate(texts) if i >= from_index and _FULL_RECEIVED_RE.search(_norm(t))),
                         None)
    return Stated(budget, received, spent, rate, full_received, full_spent)


FULL_USE_RE = re.compile(r"已?全部(?:使用|拨付|支付|支出|用于|到位并使用)|全额(?:使用|拨付|支付)|(?:资金)?(?:使用|执行)率(?:达到?)?100%")


def full_use_claim(texts: list[str]) -> str:
    """The words of a text saying the money was used in full (已全部拨付, 使用率100%), or ""."""
    for t in texts:
        m = FULL_USE_RE.search(re.sub(r"\s+", "", _norm(t)))
        if m:
            return m.group(0)
    return ""
