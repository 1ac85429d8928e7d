"""The directive reader on the three real seed documents and the project's own sample, checked
against what a careful reader writes down (expectations typed from the documents, not from the
parser's output); the same on .docx and PDF copies; stamps, empty and foreign files."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest

from domain.directive import EmptyDocumentError, Proposal, parse_directive
from domain.directive_files import UnreadableFileError, text_of
from domain.directive_text import SecretDocumentError

SEEDS = Path(os.environ.get("NHACVIEC_SEEDS", Path(__file__).parents[2] / "shared" / "seeds"))
SAMPLE = Path(__file__).parent / "documents" / "thong_bao_ket_luan.txt"
D = dt.date


def seed(name: str) -> str:
    matches = sorted(SEEDS.glob(f"{name}_*.txt")) if SEEDS.is_dir() else []
    if not matches:
        pytest.skip(f"seed documents not found in {SEEDS} (shared/seeds is absent on this machine)")
    return matches[0].read_text(encoding="utf-8")


def by_ref(proposal: Proposal) -> dict:
    return {task.ref: task for task in proposal.tasks}


def docx_bytes(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(text: str) -> bytes:
    import matplotlib
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", size=11)
    for line in text.splitlines():
        pdf.multi_cell(0, 6, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def as_file(text: str, kind: str) -> str:
    """The text after a round trip through a file of that kind, as the office would send it."""
    if kind == "txt":
        return text_of(text.encode("utf-8"), "vb.txt")
    if kind == "docx":
        return text_of(docx_bytes(text), "vb.docx")
    return text_of(pdf_bytes(text), "vb.pdf")


KINDS = ["txt", "docx", "pdf"]


@pytest.mark.parametrize("kind", KINDS)
def test_district_dispatch_000(kind: str) -> None:
    proposal = parse_directive(as_file(seed("000"), kind), today=D(2024, 5, 6))
    tasks = by_ref(proposal)
    assert list(tasks) == ["1", *(f"2.({n})" for n in range(1, 7)), "3", "4", "5", "6"]
    assert tasks["2.(4)"].title.startswith(
        "Tiếp tục tập trung cao chỉ đạo đẩy mạnh thực hiện nhiệm vụ xóa nhà tạm"
    )
    assert tasks["5"].lead_units == ["Ban Thường vụ Huyện ủy", "Ban Chấp hành Đảng bộ huyện"]
    office = tasks["6"]
    assert office.lead_units == ["Văn phòng Huyện ủy"]
    assert (office.recurrence, office.due, office.due_text) == ("monthly", "2024-05-31", "hằng tháng")
    # No unit is named in items 1-4: the office chooses; nothing is guessed, no date is invented.
    assert all(tasks[r].lead_units == [] and tasks[r].due is None for r in ("1", "2.(1)", "3", "4"))
    # The accountability sentence after (6) is not a task of its own.
    assert not any(t.text.startswith("Người đứng đầu") for t in proposal.tasks)
    assert proposal.directive.issuer == "Thường trực Huyện ủy"
    assert {"3022-CV/TU", "178-NQ/HU", "183-NQ/HU", "26-CT/TU"} <= set(proposal.directive.cites)
    assert proposal.meetings == []


@pytest.mark.parametrize("kind", KINDS)
def test_provincial_dispatch_001(kind: str) -> None:
    proposal = parse_directive(as_file(seed("001"), kind), today=D(2024, 5, 3))
    tasks = by_ref(proposal)
    assert list(tasks) == ["1", *(f"2.({n})" for n in range(1, 6)), "3", "4", "5"]
    assert "Cầu Đồng Việt" in tasks["2.(2)"].text and tasks["2.(2)"].communes == []  # a bridge, not a commune
    assert '"trách nhiệm hơn, quyết liệt hơn, hiệu quả hơn"' in tasks["1"].text  # the stray * are gone
    assert tasks["5"].lead_units == ["Ban Thường vụ Tỉnh ủy", "Ban Chấp hành Đảng bộ tỉnh"]
    assert proposal.directive.issuer == "Ban Thường vụ Tỉnh ủy"
    assert {"307-NQ/TU", "316-NQ/TU", "233-NQ/TU", "1975-TB/TU"} <= set(proposal.directive.cites)


@pytest.mark.parametrize("kind", KINDS)
def test_monthly_programme_002(kind: str) -> None:
    proposal = parse_directive(as_file(seed("002"), kind), today=D(2023, 5, 1))
    tasks = by_ref(proposal)
    assert list(tasks) == ["I.1", "I.2", "I.3", "I.4", "I.5"]  # section II holds meetings, not tasks
    assert all(t.due == "2023-05-31" for t in proposal.tasks)  # the programme's month
    assert "Lãnh đạo phát triển tổ chức đảng" in tasks["I.1"].text  # a paragraph that continues item 1
    assert {"19-CT/TU", "233-NQ/TU", "17-CT/TU", "1240-QĐ/HU"} <= set(proposal.directive.cites)

    meetings = {m.ref: m for m in proposal.meetings}
    standing = meetings["II.1"]
    assert (standing.title, standing.date) == ("Hội nghị Ban Thường vụ Huyện ủy", "2023-05-25")
    assert [i.preparing_unit for i in standing.items] == [
        "Văn phòng Huyện ủy",
        "UBND huyện",
        "Ban Tổ chức Huyện ủy",  # "(Ban Tổ chức Huyện ủy chuẩn bị nội dung 3-5)"
        "Ban Tổ chức Huyện ủy",
        "Ban Tổ chức Huyện ủy",
    ]
    assert meetings["II.2"].date is None  # "lịch cụ thể sẽ thông báo sau"
    assert meetings["II.4"].recurrence == "weekly:0"  # giao ban every Monday afternoon


@pytest.mark.parametrize("kind", KINDS)
def test_conclusions_notice_sample(kind: str) -> None:
    proposal = parse_directive(as_file(SAMPLE.read_text(encoding="utf-8"), kind), today=D(2026, 11, 25))
    info = proposal.directive
    assert (info.number, info.date) == ("45-TB/HU", "2023-09-15")
    assert info.summary == "triển khai một số nhiệm vụ trọng tâm tháng 9 và quý IV năm 2023"
    assert info.issuer == "Thường trực Huyện ủy"
    tasks = by_ref(proposal)
    assert list(tasks) == ["II.1", "II.2", "II.3.-1", "II.3.-2", "II.4"]  # section I reports: no tasks
    first = tasks["II.1"]
    assert (first.lead_units, first.cooperating_units) == (
        ["Ban Tổ chức Huyện ủy"],
        ["Ủy ban Kiểm tra Huyện ủy"],
    )
    assert (first.due, first.due_text) == ("2023-09-30", "trước ngày 30/9/2023")
    houses = tasks["II.2"]
    assert houses.lead_units == ["Ủy ban nhân dân huyện"]
    assert houses.communes == ["xã Long Hiệp", "xã Long Hựu"]
    assert houses.due == "2023-12-31"
    monthly, weekly = tasks["II.3.-1"], tasks["II.3.-2"]
    assert monthly.lead_units == weekly.lead_units == ["Văn phòng Huyện ủy"]
    assert (monthly.due, monthly.recurrence) == ("2023-09-25", "monthly:25")
    assert (weekly.due, weekly.recurrence) == ("2023-09-18", "weekly:0")
    # A group of units, kept as written (storage expands it to the communes of the tree).
    assert (tasks["II.4"].lead_units, tasks["II.4"].due) == (["Các xã, thị trấn"], "2023-10-15")


@pytest.mark.parametrize(
    "stamp", ["MẬT", "Tối mật", "T U Y Ệ T   M Ậ T", "Độ mật: Mật", "(MẬT)", "**TỐI MẬT**"]
)
def test_a_stamped_document_is_refused(stamp: str) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    with pytest.raises(SecretDocumentError):
        parse_directive(f"{stamp}\n{text}", today=D(2026, 11, 25))


def test_the_word_inside_a_sentence_is_no_stamp() -> None:
    text = SAMPLE.read_text(encoding="utf-8") + "\nGiữ bí mật nhà nước, phối hợp mật thiết với các ngành.\n"
    assert parse_directive(text, today=D(2026, 11, 25)).tasks


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "Dear colleagues, please find the minutes of the meeting attached. " * 5,
        "Ã¢â‚¬Å“ Ã¡Â»Â " * 20,
    ],
)
def test_empty_garbled_or_foreign_text_creates_nothing(text: str) -> None:
    with pytest.raises(EmptyDocumentError):
        parse_directive(text, today=D(2026, 11, 25))


def test_files_that_are_not_documents() -> None:
    with pytest.raises(UnreadableFileError):
        text_of(b"PK\x03\x04 not really a docx", "vb.docx")
    with pytest.raises(UnreadableFileError):
        text_of(b"%PDF-1.4 broken", "vb.pdf")
    with pytest.raises(UnreadableFileError):
        text_of(bytes(range(256)) * 4, "vb.txt")
