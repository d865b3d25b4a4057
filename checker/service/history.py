"""Every check of a unit's filing kept; a re-check compared with the one before it by finding fingerprints
(the baseline's fingerprints: stable across re-typed text and moved rows), so a clerk sees what was fixed,
what is new and what remains, and the desk sees who acted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from checker.findings import FileError, Finding
from checker.service.models import Account, Check, CheckFinding, Filing, Unit


@dataclass
class Progress:
    """A check against the one before it: fingerprints fixed, new and remaining (each as often as it occurs)."""

    fixed: list[CheckFinding] = field(default_factory=list)
    new: list[CheckFinding] = field(default_factory=list)
    remaining: list[CheckFinding] = field(default_factory=list)
    first: bool = True  # no check before this one


def filing_of(s: Session, unit: Unit, name: str) -> Filing:
    """The unit's filing of this file name, created at its first upload."""
    filing = s.scalar(select(Filing).where(Filing.unit_id == unit.id, Filing.name == name))
    if filing is None:
        filing = Filing(unit=unit, name=name)
        s.add(filing)
        s.flush()
    return filing


def record_check(s: Session, filing: Filing, account: Account, sha256: str, findings: list[Finding],
                 errors: list[FileError], folder: str = "") -> Check:
    """A check of `filing` as the run found it: its findings by fingerprint, or why the file was unreadable."""
    counts = Counter(f.severity for f in findings)
    check = Check(filing=filing, account=account, sha256=sha256, folder=folder,
                  status="unreadable" if errors and not findings else "done",
                  errors=counts["error"], warnings=counts["warning"], infos=counts["info"],
                  message="; ".join(e.message for e in errors))
    check.findings = [CheckFinding(fingerprint=f.fingerprint, rule=f.rule, severity=f.severity, project=f.project,
                                   message=f.message.zh) for f in findings]
    s.add(check)
    s.flush()
    return check


def progress(s: Session, check: Check) -> Progress:
    before = s.scalar(select(Check).where(Check.filing_id == check.filing_id, Check.id < check.id,
                                          Check.status == "done").order_by(Check.id.desc()).limit(1))
    if before is None:
        return Progress(new=list(check.findings), first=True)
    left = Counter(f.fingerprint for f in before.findings)
    out = Progress(first=False)
    for f in check.findings:
        if left[f.fingerprint] > 0:
            left[f.fingerprint] -= 1
            out.remaining.append(f)
        else:
            out.new.append(f)
    for f in before.findings:
        if left[f.fingerprint] > 0:
            left[f.fingerprint] -= 1
            out.fixed.append(f)
    return out
