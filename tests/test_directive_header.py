"""A directive's own number and date: read from its header however extraction laid it out (a
Word table above the text, a PDF's two columns side by side, "Số 3022" / "-CV/TU" on two lines),
never taken from a document it cites, and never today's date when the text has none; a document
without a number gets a name that says so. Seed 001 is the province's dispatch 3022-CV/TU of
03/5/2024; the seeds hold the body of each document only (their extraction has no header)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from domain import directive_texts as texts
from domain.directive import document_kind, parse_directive
from domain.directive_files import text_of

SEEDS = Path("/work/shared/seeds")
TODAY = dt.date(2026, 11, 26)
BODY = (
    "- Kính gửi: - Các cơ quan, sở, ban ngành tỉnh,\n"
    "Tại Hội nghị Ban Thường vụ Tỉnh ủy ngày 03/5/2024, Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy,"
    " tổ chức đảng, cơ quan, đơn vị thực hiện tốt một số nội dung sau:\n"
    "1. Tiếp tục tập trung đôn đốc, chỉ đạo rà soát các nhiệm vụ trọng tâm năm 2024 đã được Tỉnh\n"
    "ủy xác định tại Nghị quyết số 307-NQ/TU ngày 06/12/2023 về nhiệm vụ lãnh đạo năm 2024.\n"
    "2. Các đồng chí Tỉnh ủy viên kiểm tra, đôn đốc việc thực hiện theo tinh thần Công văn này.\n"
)
HEADERS = {
    "one column": "TỈNH ỦY QUẢNG NAM\n*\nSố 3022-CV/TU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
    "Quảng Nam, ngày 03 tháng 5 năm 2024\n",
    "number cut before the symbol": "TỈNH ỦY QUẢNG NAM\n*\nSố 3022\n-CV/TU\n"
    "ĐẢNG CỘNG SẢN VIỆT NAM\nQuảng Nam, ngày 03 tháng 5 năm 2024\n",
    "number cut after the hyphen": "TỈNH ỦY QUẢNG NAM\nSố: 3022-\nCV/TU\n"
    "ĐẢNG CỘNG SẢN VIỆT NAM\nQuảng Nam, ngày 03 tháng 5 năm 2024\n",
    "two columns side by side": "TỈNH ỦY QUẢNG NAM ĐẢNG CỘNG SẢN VIỆT NAM\n"
    "* Số 3022 - CV/TU Quảng Nam, ngày 03 tháng 5 năm 2024\n",
    "number after the issuer's capitals": "TỈNH ỦY QUẢNG NAM Số 3022-CV/TU\n"
    "ĐẢNG CỘNG SẢN VIỆT NAM\nTam Kỳ, ngày 03/5/2024\n",
}


@pytest.mark.parametrize("layout", HEADERS)
def test_the_header_s_number_and_date_are_read(layout: str) -> None:
    info = parse_directive(HEADERS[layout] + BODY, today=TODAY).directive
    assert (info.number, info.date) == ("3022-CV/TU", "2024-05-03")
    assert "3022-CV/TU" not in info.cites


def test_a_word_header_table_is_read_before_the_text() -> None:
    from docx import Document

    document = Document()
    cells = document.add_table(rows=1, cols=2).rows[0].cells
    cells[0].text = "TỈNH ỦY QUẢNG NAM\n*\nSố 3022-CV/TU"
    cells[1].text = "ĐẢNG CỘNG SẢN VIỆT NAM\nQuảng Nam, ngày 03 tháng 5 năm 2024"
    for line in BODY.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    info = parse_directive(text_of(out.getvalue(), "3022.docx"), today=TODAY).directive
    assert (info.number, info.date) == ("3022-CV/TU", "2024-05-03")


@pytest.mark.parametrize(
    ("seed", "kind", "issuer"),
    [
        ("000_37f09bddc73c3286", "Công văn", "Thường trực Huyện ủy"),
        ("001_0794184f7b493488", "Công văn", "Ban Thường vụ Tỉnh ủy"),
        ("002_67ca7592a18fc770", None, None),
    ],
)
def test_the_seeds_without_a_header_get_no_number_nor_today_s_date(
    seed: str, kind: str | None, issuer: str | None
) -> None:
    """Their extraction starts at "Kính gửi" (000, 001) or at item I (002): the number is not in
    the text. 000 cites 3022-CV/TU ("Thực hiện Công văn số 3022-CV/TU"): that is not its own."""
    text = (SEEDS / f"{seed}.txt").read_text(encoding="utf-8")
    info = parse_directive(text, today=TODAY).directive
    assert (info.number, info.date, info.issuer) == (None, None, issuer)
    assert document_kind(text) == kind
    name = texts.unnumbered_name({"number": None, "date": None, "issuer": issuer}, kind)
    assert name == f"{kind or 'Văn bản'} (không rõ số)" + (f" của {issuer}" if issuer else "")
    assert "26/11/2026" not in name and len(name) <= 50
    done = texts.created(name, [8], numbered=False)
    assert done.startswith(f"✅ Đã tạo 1 nhiệm vụ từ {name} (#8)")
    assert "văn bản văn bản" not in done.lower()


def test_a_dated_document_without_a_number_is_named_by_its_date() -> None:
    info = {"number": None, "date": "2024-05-03", "issuer": "Ban Thường vụ Tỉnh ủy"}
    assert texts.unnumbered_name(info, "Công văn") == "Công văn (không rõ số) ngày 03/05/2024"
    cli = texts.unnumbered(TODAY)  # the CLI's: the day it was received, said as such
    assert cli == "Không rõ số, nhận 26/11/2026" and "văn bản" not in cli.lower()
