"""Tasks from the office's spreadsheet: each row validated, bad rows named, good rows created."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from domain.dates import DateError, parse_due, parse_recurrence
from domain.people import RowError, parse_yes
from domain.sheets import SheetRow, check_columns
from storage import task_notices, tasks, units
from storage.units import ImportResult

HEADERS = (
    "Số văn bản",
    "Ngày văn bản",
    "Trích yếu",
    "Nhiệm vụ",
    "Nội dung",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Hạn",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Cần xác nhận",
    "Lặp lại",
)
# Columns a file cannot do without (label → accepted header keys, accent-free).
REQUIRED = {"Nhiệm vụ": ("nhiem vu", "ten nhiem vu"), "Đơn vị chủ trì": ("don vi chu tri", "chu tri")}
EXAMPLES = (
    (
        "3022-CV/TU",
        "03/05/2024",
        "Tăng cường thực hiện nhiệm vụ trọng tâm năm 2024",
        "Xóa nhà tạm, nhà dột nát cho hộ nghèo",
        "Hoàn thành và bàn giao nhà",
        "Xã Long Hiệp",
        "",
        "30/12/2026",
        "12",
        "căn",
        "có",
    ),
)


async def _unit(session: AsyncSession, text: str) -> tuple[int | None, str | None]:
    match = await units.find_unit(session, query=text)
    if match.found is not None:
        return match.found.unit_id, None
    hint = "; ".join(c.label for c in match.candidates[:3])
    return None, (
        f"Đơn vị «{text}» chưa rõ, có thể là: {hint}." if hint else f"Không tìm thấy đơn vị «{text}»."
    )


async def import_tasks(
    session: AsyncSession,
    *,
    rows: Sequence[SheetRow],
    today: dt.date,
    now: dt.datetime,
    actor_id: int | None = None,
    notify: bool = True,
) -> ImportResult:
    """One task per row; the officials of each new task's lead unit are notified.

    A header row without a required column is refused as a whole (SheetError naming it)."""
    check_columns(rows, REQUIRED)
    result = ImportResult()
    for row in rows:
        title = row.get("nhiem vu", "ten nhiem vu")
        if not title:
            result.errors.append(RowError(row.number, "Thiếu tên nhiệm vụ."))
            continue
        lead_text = row.get("don vi chu tri", "chu tri")
        if not lead_text:
            result.errors.append(RowError(row.number, "Thiếu đơn vị chủ trì."))
            continue
        lead_id, problem = await _unit(session, lead_text)
        cooperating: list[int] = []
        for name in filter(None, (n.strip() for n in row.get("don vi phoi hop", "phoi hop").split(";"))):
            unit_id, problem_co = await _unit(session, name)
            problem = problem or problem_co
            if unit_id is not None:
                cooperating.append(unit_id)
        if problem or lead_id is None:
            result.errors.append(RowError(row.number, problem or "Thiếu đơn vị chủ trì."))
            continue
        due = None
        due_text = row.get("han", "han hoan thanh", "thoi han")
        if due_text:
            try:
                due = parse_due(due_text, today=today)
            except DateError as exc:
                result.errors.append(RowError(row.number, str(exc)))
                continue
        target_text = row.get("chi tieu", "so luong").replace(",", ".")
        try:
            target = float(target_text) if target_text else None
        except ValueError:
            result.errors.append(RowError(row.number, f"Chỉ tiêu «{target_text}» không phải là số."))
            continue
        directive_id = None
        number = row.get("so van ban", "van ban", "so hieu")
        if number:
            issued = row.get("ngay van ban")
            try:
                issued_on = parse_due(issued, today=today, allow_past=True).on if issued else None
            except DateError as exc:
                result.errors.append(RowError(row.number, f"Ngày văn bản: {exc}"))
                continue
            directive = await tasks.add_directive(
                session, number=number, issued_on=issued_on, summary=row.get("trich yeu") or number
            )
            directive_id = directive.id
        repeat_text = row.get("lap lai")
        recurrence = parse_recurrence(repeat_text) if repeat_text else None
        if repeat_text and recurrence is None:
            result.errors.append(
                RowError(
                    row.number,
                    f"Lặp lại «{repeat_text}» không hợp lệ (hằng tuần, hằng tháng, hằng quý, hằng năm).",
                )
            )
            continue
        confirm_text = row.get("can xac nhan")
        task = await tasks.add_task(
            session,
            title=title,
            body=row.get("noi dung") or None,
            lead_unit_id=lead_id,
            due=due,
            directive_id=directive_id,
            cooperating_unit_ids=cooperating,
            target_quantity=target,
            target_measure=row.get("don vi tinh") or None,
            needs_confirmation=parse_yes(confirm_text) if confirm_text else True,
            created_by_id=actor_id,
            recurrence=recurrence,
            now=now,
        )
        if notify:
            await task_notices.notify_assigned(session, task=task, today=today, now=now)
        result.created += 1
    return result
