"""The communes' household lists read from a spreadsheet: one household a row, bad rows named."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain import house_texts
from domain.people import RowError, clean_name
from domain.programmes import Programme, read_case
from domain.sheets import SheetRow, check_columns
from domain.statuses import LOCAL_UNIT_KINDS
from domain.vntext import accent_free_key
from storage.audit import add_audit
from storage.households import add_household
from storage.models import Household, Unit
from storage.units import ImportResult, find_unit

_MONTH = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")


def parse_amount(text: str) -> float | None:
    """Đồng as written in Vietnamese sheets: '50.000.000', '50,000,000' or '1,5' (tỷ is not guessed)."""
    cleaned = text.strip().replace(" ", "").replace("đ", "").replace("đồng", "")
    if not cleaned:
        return 0.0
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", cleaned):
        return float(re.sub(r"[.,]", "", cleaned))
    try:
        return float(cleaned.replace(",", "."))
    except ValueError:
        return None


def household_headers(programme: Programme) -> tuple[str, ...]:
    """The columns of the import template, in the order communes keep them."""
    return (
        "Xã/phường",
        "Thôn/ấp/tổ dân phố",
        "Họ tên chủ hộ",
        "Diện hỗ trợ",
        "Xây mới/sửa chữa",
        *programme.fund_sources.values(),
        "Đã giải ngân",
        "Tháng hoàn thành đăng ký",
        "Giai đoạn",
        "Ghi chú",
    )


# Columns a households file cannot do without (label → accepted header keys, accent-free).
IMPORT_REQUIRED = {
    "Xã/phường": ("xa phuong", "xa", "don vi", "xa phuong dac khu"),
    "Họ tên chủ hộ": ("ho ten chu ho", "chu ho", "ho va ten"),
}


async def import_households(
    session: AsyncSession,
    *,
    rows: Sequence[SheetRow],
    programme: Programme,
    now: dt.datetime,
    actor_id: int | None = None,
) -> ImportResult:
    """The communes' lists, one household a row; bad rows are named and skipped; a header row
    without a required column is refused as a whole (SheetError naming it)."""
    check_columns(rows, IMPORT_REQUIRED)
    result = ImportResult()
    for row in rows:
        problem, fields = await _validate(session, row, programme)
        if problem:
            result.errors.append(RowError(row.number, problem))
            continue
        existing = (
            await session.exec(
                select(Household).where(
                    Household.programme == programme.key,
                    Household.unit_id == fields["unit_id"],
                    Household.head_key == accent_free_key(fields["head_name"]),
                    Household.hamlet == fields["hamlet"],
                )
            )
        ).first()
        if existing is not None:
            for key, value in fields.items():
                if key != "stage" or value:
                    setattr(existing, key, value if key != "head_name" else clean_name(value))
            result.updated += 1
        else:
            await add_household(session, programme=programme, now=now, official_id=actor_id, **fields)
            result.created += 1
    await add_audit(
        session,
        at=now,
        action="households.import",
        official_id=actor_id,
        detail={"created": result.created, "updated": result.updated, "errors": len(result.errors)},
    )
    return result


async def _validate(session: AsyncSession, row: SheetRow, programme: Programme) -> tuple[str | None, dict]:
    unit_text = row.get("xa phuong", "xa", "don vi", "xa phuong dac khu")
    name = row.get("ho ten chu ho", "chu ho", "ho va ten")
    if not unit_text:
        return "Thiếu xã/phường.", {}
    if not name:
        return "Thiếu họ tên chủ hộ.", {}
    match = await find_unit(session, query=unit_text)
    if match.found is None:
        hint = "; ".join(c.name for c in match.candidates[:3])
        return (f"Xã/phường «{unit_text}» chưa rõ" + (f", có thể là: {hint}." if hint else ".")), {}
    unit = await session.get(Unit, match.found.unit_id)
    if unit is None or unit.kind not in LOCAL_UNIT_KINDS:
        return f"«{unit_text}» không phải là xã, phường hay đặc khu.", {}
    fields: dict = {
        "unit_id": unit.id,
        "head_name": name,
        "hamlet": row.get("thon ap to dan pho", "thon", "ap") or None,
    }
    choices = read_case(programme, row.get("dien ho tro", "dien"), row.get("xay moi sua chua", "loai", "xay"))
    if not choices.ok:
        return house_texts.case_problem(programme, choices), {}
    fields["track"], fields["work_kind"] = choices.track, choices.work_kind
    funds: dict[str, float] = {}
    for source, label in programme.fund_sources.items():
        raw = row.get(accent_free_key(label))
        amount = parse_amount(raw) if raw else 0.0
        if amount is None or amount < 0:
            return f"Số tiền «{raw}» ở cột {label} không hợp lệ.", {}
        if amount:
            funds[source] = amount
    fields["funds"] = funds
    disbursed = row.get("da giai ngan")
    amount = parse_amount(disbursed) if disbursed else 0.0
    if amount is None:
        return f"Số tiền đã giải ngân «{disbursed}» không hợp lệ.", {}
    fields["transferred"] = amount
    month = row.get("thang hoan thanh dang ky", "thang hoan thanh")
    if month:
        parsed = _MONTH.match(month)
        if not parsed or not 1 <= int(parsed.group(1)) <= 12:
            return f"Tháng hoàn thành «{month}» phải có dạng mm/yyyy, ví dụ 12/2026.", {}
        fields["registered_month"] = f"{parsed.group(2)}-{int(parsed.group(1)):02d}"
    stage_text = row.get("giai doan", "tien do")
    stage = programme.parse_choice(stage_text, dict(programme.stages)) if stage_text else None
    if stage_text and stage is None:
        return (
            f"Giai đoạn «{stage_text}» không hợp lệ; chọn: {', '.join(dict(programme.stages).values())}.",
            {},
        )
    fields["stage"] = stage
    fields["notes"] = row.get("ghi chu") or None
    return None, fields
