"""The monthly report on a seeded district: its numbers against /status's and the digest's queries,
its layout read back with python-docx, and its rendering by LibreOffice."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from pypdf import PdfReader

from domain.dates import Due
from domain.programmes import XOA_NHA_TAM
from domain.report import OUTCOMES, Month, count, parse_month
from domain.report.document import monthly_report
from domain.statuses import Outcome, TaskStatus, UnitKind
from domain.workdays import WorkCalendar
from storage import report_data, reports, tasks, units
from tests.district import COMMUNES, NOW, TODAY, seed_district

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkCalendar()
NOVEMBER = Month(2026, 11)


async def _data(db, *, month=NOVEMBER, unit_id=None, today=TODAY):  # type: ignore[no-untyped-def]
    async with db() as session:
        return await report_data.monthly_report_data(
            session,
            month=month,
            today=today,
            zone=HANOI,
            programme=XOA_NHA_TAM,
            calendar=CALENDAR,
            unit_id=unit_id,
        )


async def test_numbers_match_status_and_digest(db) -> None:  # type: ignore[no-untyped-def]
    district = await seed_district(db)
    data = await _data(db)
    async with db() as session:
        status = await reports.unit_counts(session, today=TODAY, zone=HANOI, calendar=CALENDAR)
        overdue = await reports.overdue_lines(session, today=TODAY, calendar=CALENDAR)
        december = await reports.due_between(session, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31))
    assert data.issuer == "Tỉnh Demo" and not data.state_layout and data.as_of == TODAY
    for counts in status:
        mine = count(t for t in data.tasks if t.unit == counts.name)
        assert {o: n for o, n in mine.items() if n} == {o: n for o, n in counts.outcomes.items() if n}, (
            counts.name
        )
    assert len(data.tasks) == sum(c.total for c in status) == 8 * 6
    # Overdue ones: the same tasks, the same age in working days as /status and the digest.
    mine = {(t.task_id, t.late_days) for t in data.tasks if t.outcome == Outcome.OVERDUE}
    assert mine == {(line.task_id, line.days_overdue) for line in overdue}
    assert {t.late_days for t in data.tasks if t.outcome == Outcome.DONE_LATE} == {
        3
    }  # due Fri 13/11, done Wed 18/11
    assert sorted((i.due_on, i.title) for i in data.next_month) == sorted(
        (x.due_on, x.title) for x in december
    )
    assert [i.due_on for i in data.next_month] == sorted(i.due_on for i in data.next_month)
    assert len(data.blockers) == 6 and {i.note for i in data.blockers} == {"Vướng mắc: thiếu mặt bằng"}
    assert len(data.extensions) == 6 and {i.decision for i in data.extensions} == {"pending"}
    houses = data.houses
    assert houses is not None and houses.planned == 4 * (1 + 2 + 3 + 4)
    assert houses.handed_over == 1 + 2 + 3 + 4 and houses.started == 3 * (1 + 2 + 3 + 4)
    assert houses.funds == [("Ngân sách trung ương", 40_000_000 * houses.planned)]
    # One unit: only its tasks, and the unit is the issuing body.
    long_hiep = await _data(db, unit_id=district.units["Xã Long Hiệp"])
    assert long_hiep.issuer == "Xã Long Hiệp" and len(long_hiep.tasks) == 16
    assert long_hiep.houses is not None and long_hiep.houses.planned == 4


async def test_month_scope_finished_before_and_after(db) -> None:  # type: ignore[no-untyped-def]
    await seed_district(db)
    # October, as of its last day: the November completions were still open work then.
    october = await _data(db, month=Month(2026, 10))
    assert october.as_of == dt.date(2026, 10, 31)
    done = [t for t in october.tasks if t.title.startswith(("Nhiệm vụ 1.", "Nhiệm vụ 2."))]
    assert done and all(t.outcome == Outcome.ON_TRACK for t in done)
    # December: work finished in November is not December's.
    december = await _data(db, month=Month(2026, 12), today=dt.date(2026, 12, 31))
    assert not any(t.status == TaskStatus.DONE for t in december.tasks)
    assert len(december.tasks) == 48 - 12


def _texts(document) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in document.paragraphs]


async def test_document_structure_party_layout(db) -> None:  # type: ignore[no-untyped-def]
    await seed_district(db)
    data = await _data(db)
    document = Document(io.BytesIO(monthly_report(data)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [
        round(m.mm)
        for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ] == [20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    header = document.tables[0]
    left = header.rows[0].cells[0].text
    assert left.startswith("TỈNH DEMO") and "Số" in left and "-BC/" in left
    party = header.rows[0].cells[1].paragraphs[0]
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and party.runs[0].underline
    date_line = header.rows[0].cells[1].paragraphs[1]
    assert date_line.text.endswith("ngày … tháng … năm 2026") and date_line.runs[0].italic
    texts = _texts(document)
    title = next(p for p in document.paragraphs if p.text == "BÁO CÁO")
    assert title.runs[0].bold
    assert "tình hình thực hiện nhiệm vụ tháng 11 và một số nhiệm vụ trọng tâm tháng 12 năm 2026" in texts
    for heading in (
        "I. TÌNH HÌNH",
        "II. NHIỆM VỤ HOÀN THÀNH QUÁ HẠN",
        "III. KHÓ KHĂN",
        "IV. KẾT QUẢ THỰC HIỆN",
        "V. NHIỆM VỤ TRỌNG TÂM THÁNG SAU",
        "PHỤ LỤC",
    ):
        assert any(t.startswith(heading) for t in texts), heading
    totals = count(data.tasks)
    summary = next(t for t in texts if t.startswith("Trong tháng, Tỉnh Demo theo dõi 48 nhiệm vụ"))
    assert f"{totals[Outcome.OVERDUE]} nhiệm vụ quá hạn chưa hoàn thành (25%)" in summary
    # The tables by directive and by unit end with the totals; the appendix lists every task.
    by_unit = document.tables[2]
    rows = [[c.text for c in row.cells] for row in by_unit.rows]
    assert rows[0][0] == "Đơn vị chủ trì" and [r[0] for r in rows[1:-1]] == sorted(COMMUNES)
    assert rows[-1][:2] == ["Tổng cộng", "48"] and rows[-1][2 + OUTCOMES.index(Outcome.OVERDUE)] == "12 (25%)"
    long_hiep = next(r for r in rows if r[0] == "Xã Long Hiệp")
    assert long_hiep[1] == "16" and long_hiep[5] == "4 (25%)"
    appendix = document.tables[-1]
    assert [c.text for c in appendix.rows[0].cells] == [
        "STT",
        "Nhiệm vụ",
        "Đơn vị chủ trì",
        "Thời hạn",
        "Tình trạng",
    ]
    assert len(appendix.rows) == 1 + 48
    assert appendix.rows[48].cells[0].text == "48"
    assert any(row.cells[3].text == "13/11/2026" for row in appendix.rows[1:])
    assert "Kế hoạch: 40 căn" in "\n".join(texts)


async def test_peoples_committee_gets_the_state_layout(db) -> None:  # type: ignore[no-untyped-def]
    await seed_district(db)
    async with db.begin() as session:
        committee = await units.add_unit(session, name="UBND xã Long Hiệp", kind=UnitKind.PEOPLES_COMMITTEE)
        day = dt.date(2026, 12, 4)
        await tasks.add_task(
            session, title="Rà soát hộ nghèo", lead_unit_id=committee.id, now=NOW, due=Due(day, "04/12/2026")
        )
    data = await _data(db, unit_id=committee.id)
    assert data.state_layout and [t.title for t in data.tasks] == ["Rà soát hộ nghèo"]
    document = Document(io.BytesIO(monthly_report(data)))
    right = [p.text for p in document.tables[0].rows[0].cells[1].paragraphs]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in document.tables[0].rows[0].cells[1].text
    assert document.tables[0].rows[0].cells[0].text.startswith("UBND XÃ LONG HIỆP")


def test_month_parsing() -> None:
    assert parse_month("11/2026", today=TODAY) == NOVEMBER
    assert parse_month("tháng 3", today=TODAY) == Month(2026, 3)
    assert parse_month("", today=TODAY) == NOVEMBER
    assert NOVEMBER.next() == Month(2026, 12) and Month(2026, 12).next() == Month(2027, 1)
    for bad in ("13/2026", "0/2026", "11/26", "abc"):
        assert parse_month(bad, today=TODAY) is None, bad


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_pdf_rendering_is_a4(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    await seed_district(db)
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(monthly_report(await _data(db)))
    await asyncio.to_thread(
        subprocess.run,
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = PdfReader(tmp_path / "bao-cao.pdf")
    for page in pdf.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    # One document: the report, signed at the end of its body, then the appendix from a new page
    # to the last task; no blank page, nothing spilled outside the page.
    texts = [page.extract_text() for page in pdf.pages]
    # (pypdf drops letters with two marks, "Ụ", "Ỉ": look for words without them.)
    appendix = next(i for i, text in enumerate(texts) if "DANH SÁCH" in text.split("\n")[0])
    assert 2 <= appendix <= 4 and "T/M" in texts[appendix - 1], texts[appendix - 1]
    assert len(pdf.pages) <= appendix + 4 and all(text.strip() for text in texts)
    assert "8.0" in texts[-1] and "Tân Thành" in texts[-1] and "48" in texts[-1]
    assert "BÁO CÁO" in texts[0] and "-BC/" in texts[0] and "DEMO" in texts[0]
