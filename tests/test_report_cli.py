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
    assert main(["report", "monthly", "--unit", "long chu", "--out", "thang.docx"]) == 0  # this month
    assert capsys.readouterr().out.strip() == "thang.docx"
    document = Document(str(seeded_cli / "thang.docx"))
    assert document.tables[0].rows[0].cells[0].text.startswith("XÃ LONG CHỮ")
    rows = [[c.text for c in row.cells] for row in document.tables[-1].rows]
    assert rows[1][1:4] == ["Rà soát hộ nghèo", "Xã Long Chữ", "15/12/2099"]
    # Without --out: the month's name, in the current folder.
    assert main(["report", "monthly"]) == 0
    name = capsys.readouterr().out.strip()
    assert [p.name for p in seeded_cli.glob("bao-cao-thang-*.docx")] == [name]
    assert (seeded_cli / name).stat().st_size > 0


def test_report_monthly_refuses_a_month_not_begun_and_keeps_an_existing_file(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for month in ("12/2099", "1/2100"):
        assert main(["report", "monthly", "--month", month, "--out", "sau.docx"]) == 1
        out, err = capsys.readouterr()
        assert out == "" and "chưa bắt đầu; báo cáo được viết cho tháng này hoặc một tháng đã qua" in err
    assert "lỗi: tháng 01/2100 chưa bắt đầu" in err
    assert not list(seeded_cli.glob("*.docx"))
    kept = seeded_cli / "bao-cao.docx"
    kept.write_bytes(b"the office's own draft")
    assert main(["report", "monthly", "--out", str(kept)]) == 1
    assert "đã có; không ghi đè" in capsys.readouterr().err and kept.read_bytes() == b"the office's own draft"
    assert main(["report", "monthly", "--out", str(kept), "--force"]) == 0
    assert Document(str(kept)).tables


def test_report_monthly_refuses_a_bad_month(seeded_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "monthly", "--month", "13/2026"]) == 1
    assert "lỗi: tháng «13/2026» không hợp lệ; viết dạng 11/2026" in capsys.readouterr().err
    assert not list(seeded_cli.glob("*.docx"))
