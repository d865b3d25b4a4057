"""The service's .xlsx exports (the desk, the audit log): named sheets of a header row and rows."""

from __future__ import annotations

import io
from typing import Any

Sheets = dict[str, tuple[list[str], list[list[Any]]]]


def workbook_bytes(sheets: Sheets) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, (head, rows) in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(head)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
