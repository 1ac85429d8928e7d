"""The directive review's overview counts: what still needs the office is the pending rows only,
and a deadline already past needs it too."""

from __future__ import annotations

import datetime as dt

from domain import directive_texts as texts
from storage import directive_import

TODAY = dt.date(2026, 11, 23)
INFO = {"number": "45-TB/HU", "date": "2023-09-15", "issuer": None}


def row(state: str, *, unit_id: int | None = 1, due: str | None = "2026-12-31") -> dict:
    return {"state": state, "unit_id": unit_id, "due": due, "lead_units": ["Văn phòng Huyện ủy"]}


def test_skipped_and_accepted_rows_do_not_need_the_office() -> None:
    rows = [row("skipped", unit_id=None)] * 2 + [row("skipped", due=None)] + [row("accepted")] * 2
    text = texts.overview(INFO, rows, today=TODAY)
    assert "Bot đọc được 5 nhiệm vụ; 0 nhiệm vụ cần Văn phòng chọn đơn vị hoặc hạn." in text
    assert "Đã nhận: 2; bỏ qua: 3." in text


def test_pending_rows_without_a_unit_a_deadline_or_with_a_past_one_need_it() -> None:
    rows = [
        row("pending", unit_id=None),
        row("pending", due=None),
        row("pending", due="2023-10-15"),
        row("pending"),
        row("skipped", due="2023-10-15"),
    ]
    text = texts.overview(INFO, rows, today=TODAY)
    assert "3 nhiệm vụ cần Văn phòng chọn đơn vị hoặc hạn (trong đó 1 nhiệm vụ có hạn đã qua" in text


def test_a_past_deadline_is_not_ready_to_accept_as_it_is() -> None:
    assert directive_import.ready(row("pending", due="2026-11-23"), today=TODAY)
    assert not directive_import.ready(row("pending", due="2026-11-22"), today=TODAY)
    assert directive_import.past_due(row("pending", due="2023-10-15"), today=TODAY)
    assert not directive_import.past_due(row("pending", due=None), today=TODAY)


def test_meetings_saved_from_a_document_without_a_number_say_văn_bản_once() -> None:
    from domain import giaoban_texts

    assert giaoban_texts.saved("45-TB/HU") == "✅ Đã lưu văn bản 45-TB/HU."
    assert giaoban_texts.saved("Văn bản (không rõ số)", numbered=False) == "✅ Đã lưu Văn bản (không rõ số)."
