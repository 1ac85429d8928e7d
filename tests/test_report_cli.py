"""`nhacviec report monthly`: the office writes the month's draft from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from bot.cli import main


def test_report_monthly_writes_the_docx(seeded_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["tasks", "add", "--title", "Rà soát hộ nghèo", "--unit", "long chu", "--due", "15/12/2099"])
        == 0
    )
    capsys.readouterr()
    assert (
        main(["report", "monthly", "--month", "12/2099", "--unit", "long chu", "--out", "thang12.docx"]) == 0
    )
    assert capsys.readouterr().out.strip() == "thang12.docx"
    document = Document(str(seeded_cli / "thang12.docx"))
    assert document.tables[0].rows[0].cells[0].text.startswith("XÃ LONG CHỮ")
    rows = [[c.text for c in row.cells] for row in document.tables[-1].rows]
    assert rows[1][1:4] == ["Rà soát hộ nghèo", "Xã Long Chữ", "15/12/2099"]
    # Without --out: the month's name, in the current folder.
    assert main(["report", "monthly", "--month", "1/2100"]) == 0
    assert capsys.readouterr().out.strip() == "bao-cao-thang-01-2100.docx"
    assert (seeded_cli / "bao-cao-thang-01-2100.docx").stat().st_size > 0


def test_report_monthly_refuses_a_bad_month(seeded_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "monthly", "--month", "13/2026"]) == 1
    assert "lỗi: tháng «13/2026» không hợp lệ; viết dạng 11/2026" in capsys.readouterr().err
    assert not list(seeded_cli.glob("*.docx"))
