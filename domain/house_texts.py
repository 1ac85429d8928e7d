"""What the bot says about households, photos and programme progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from domain.dates import fmt
from domain.programmes import CaseChoices, Programme, Progress, pace_text, stage_counts, stage_headers
from domain.sheets import workbook_xlsx
from domain.task_texts import number

AS_FILE_TIP = (
    "💡 Mẹo: khi cần ảnh làm minh chứng, hãy gửi ảnh <b>dạng tệp</b> (📎 → Tệp → chọn ảnh). "
    "Telegram nén ảnh thường và xóa thời gian, vị trí chụp; ảnh dạng tệp giữ nguyên các thông tin đó."
)


def percent(part: float, whole: float) -> str:
    """78,17%: Vietnamese decimal comma."""
    if not whole:
        return "0%"
    return f"{100 * part / whole:.2f}".replace(".", ",").removesuffix(",00") + "%"


def money(amount: float) -> str:
    return f"{number(round(amount))} đ"


def which_household(candidates: int) -> str:
    if candidates:
        return "📷 Đã nhận ảnh. Ảnh này của hộ nào? Bấm chọn (hoặc gõ tên chủ hộ):"
    return "📷 Đã nhận ảnh. Ảnh này của hộ nào? Gõ tên chủ hộ (có thể không dấu)."


def which_stage(head_name: str) -> str:
    return f"Ảnh của hộ <b>{escape(head_name)}</b> cho thấy giai đoạn nào?"


def no_households(unit: str) -> str:
    return (
        f"{escape(unit)} chưa có danh sách hộ của chương trình. Văn phòng nhập danh sách bằng "
        "<code>nhacviec households import</code>."
    )


def _quoted(typed: str, limit: int = 100) -> str:
    """What the user typed, echoed back escaped and clipped (a 4,000-character message would
    make the answer longer than Telegram's 4,096)."""
    return escape(typed if len(typed) <= limit else typed[:limit] + "…")


def no_match(typed: str, offered: int) -> str:
    if offered:
        return (
            f"Không tìm thấy hộ «{_quoted(typed)}» trong đơn vị. Có phải một trong các hộ dưới đây? "
            "Bấm chọn, gõ lại tên chủ hộ (có thể không dấu), hoặc bấm ✖️ Hủy."
        )
    return (
        f"Không tìm thấy hộ «{_quoted(typed)}» trong đơn vị. Gõ lại tên chủ hộ (có thể không dấu) "
        "hoặc bấm ✖️ Hủy."
    )


def not_a_name(typed: str) -> str:
    return (
        f"«{_quoted(typed)}» không phải tên chủ hộ. Ảnh vừa gửi là của hộ nào? Bấm chọn, gõ tên chủ hộ "
        "(có thể không dấu), hoặc bấm ✖️ Hủy để bỏ qua."
    )


def attached(
    head_name: str,
    hamlet: str | None,
    unit: str,
    stage_label: str,
    moved: bool,
    on: dt.date,
    photos: int,
    taken_at: str | None,
    gps: bool,
) -> str:
    where = f", {escape(hamlet)}" if hamlet else ""
    lines = [f"🏠 Hộ <b>{escape(head_name)}</b>{where}, {escape(unit)}"]
    if moved:
        lines.append(f"Giai đoạn: <b>{escape(stage_label)}</b> từ ngày {fmt(on)}.")
    else:
        lines.append(f"Giai đoạn giữ nguyên: {escape(stage_label)}.")
    lines.append(
        f"Đã lưu {photos} ảnh minh chứng"
        + (f", chụp lúc {taken_at}" if taken_at else "")
        + (", có vị trí GPS" if gps else "")
        + "."
    )
    lines.append("<i>Trả lời tin này bằng ảnh khác hoặc vị trí (📎 → Vị trí) để bổ sung.</i>")
    return "\n".join(lines)


def duplicate_warning(head_name: str, other: str) -> str:
    return (
        f"⚠️ Ảnh này trùng với ảnh đã dùng cho hộ <b>{escape(other)}</b>. Ảnh vẫn được lưu cho hộ "
        f"{escape(head_name)} nhưng đã được đánh dấu để Văn phòng kiểm tra."
    )


def duplicate_for_office(head_name: str, unit: str, other: str) -> str:
    return (
        f"⚠️ Ảnh minh chứng của hộ {escape(head_name)} ({escape(unit)}) trùng với ảnh của hộ "
        f"{escape(other)}. Đề nghị kiểm tra."
    )


def handover_news(head_name: str, hamlet: str | None, unit: str, on: dt.date) -> str:
    where = f", {escape(hamlet)}" if hamlet else ""
    return f"🏠 <b>Bàn giao nhà</b> hộ {escape(head_name)}{where}, {escape(unit)}, ngày {fmt(on)}."


def location_saved(head_name: str) -> str:
    return f"📍 Đã lưu vị trí nhà hộ {escape(head_name)}."


def location_where() -> str:
    return "Hãy trả lời (reply) đúng tin nhắn của hộ cần gắn vị trí."


def not_an_image(reason: str) -> str:
    return escape(reason)


def too_big() -> str:
    return "Ảnh quá lớn (tối đa 20 MB). Hãy gửi ảnh nhỏ hơn."


def progress_lines(programme: Programme, unit: str, result: Progress, flagged: int) -> list[str]:
    stages = [key for key, _ in programme.stages]
    lines = [
        f"🏠 <b>{escape(programme.name)}</b> — {escape(unit)}",
        f"Kế hoạch: {result.planned} {programme.unit_label}",
    ]
    for label, count in stage_counts(programme, result):
        lines.append(f"{escape(label)}: {count} ({percent(count, result.planned)})")
    if result.by_track:
        lines.append("")
        lines.append("<b>Theo diện</b> (bàn giao/kế hoạch):")
        for track, counts in result.by_track.items():
            lines.append(
                f"• {escape(programme.tracks.get(track, track))}: "
                f"{counts.get(stages[-1], 0)}/{counts.get(stages[0], 0)}"
            )
        lines.extend(_unrecorded("diện", result.planned, result.by_track, stages[0]))
    if result.by_kind:
        lines.append(
            "<b>Theo loại</b>: "
            + "; ".join(
                f"{escape(programme.work_kinds.get(kind, kind))} "
                f"{counts.get(stages[-1], 0)}/{counts.get(stages[0], 0)}"
                for kind, counts in result.by_kind.items()
            )
        )
        lines.extend(_unrecorded("loại", result.planned, result.by_kind, stages[0]))
    lines.append("")
    lines.append(
        f"Kinh phí: cam kết {money(result.pledged)}, đã giải ngân {money(result.transferred)} "
        f"({percent(result.transferred, result.pledged)})"
    )
    if result.per_day_needed is not None and programme.deadline is not None:
        pace = pace_text(result.per_day_needed, programme.unit_label)
        lines.append(
            f"Để kịp hạn {fmt(programme.deadline)}: cần {pace} làm việc "
            f"({result.working_days_left} ngày làm việc còn lại)."
        )
    elif result.planned and result.reached(stages[-1]) == result.planned:
        lines.append("✅ Đã bàn giao toàn bộ.")
    if flagged:
        lines.append(f"⚠️ {flagged} ảnh trùng cần kiểm tra.")
    return lines


def _unrecorded(what: str, planned: int, groups: dict[str, dict[str, int]], first: str) -> list[str]:
    """Houses in the plan that no group counts, so the breakdown visibly adds up to the plan."""
    missing = planned - sum(counts.get(first, 0) for counts in groups.values())
    return [f"• Chưa ghi {what}: {missing}"] if missing > 0 else []


def overview_line(unit: str, result: Progress, programme: Programme) -> str:
    done = result.reached(programme.last_stage)
    pace = f", cần {pace_text(result.per_day_needed, programme.unit_label)}" if result.per_day_needed else ""
    return f"• {escape(unit)}: {done}/{result.planned} đã bàn giao ({percent(done, result.planned)}){pace}"


def overview_head(programme: Programme) -> str:
    return f"🏠 <b>{escape(programme.name)}</b> — tiến độ theo đơn vị (gõ /houses tên xã để xem chi tiết)"


def no_programme_data() -> str:
    return "Chưa có hộ nào trong danh sách của chương trình."


EXPORT_HEADERS: Sequence[str] = (
    "Xã/phường",
    "Thôn/ấp",
    "Chủ hộ",
    "Diện",
    "Loại",
    "Giai đoạn",
    "Ngày",
    "Kinh phí cam kết (đ)",
    "Đã giải ngân (đ)",
    "Số ảnh",
    "Ảnh trùng",
    "Vĩ độ",
    "Kinh độ",
    "Ghi chú",
)


def export_workbook(
    programme: Programme, rows: Sequence[Sequence[object]], per_unit: Sequence[tuple[str, Progress]]
) -> bytes:
    """Every household, then a summary sheet: each stage as things stand, running totals labelled."""
    summary: list[list[object]] = [
        [name, result.planned, *(count for _, count in stage_counts(programme, result))]
        for name, result in per_unit
    ]
    if len(summary) > 1:
        summary.append(
            ["Tổng cộng", *(sum(column) for column in zip(*(r[1:] for r in summary), strict=True))]
        )
    headers = ["Xã/phường", "Kế hoạch", *stage_headers(programme)]
    return workbook_xlsx([("Hộ gia đình", EXPORT_HEADERS, rows), ("Tổng hợp", headers, summary)])


def progress_table(programme: Programme, per_unit: Sequence[tuple[str, Progress]]) -> list[str]:
    """Plain lines for the command line: each commune's plan, its houses at each stage, the totals."""
    if not per_unit:
        return [no_programme_data()]
    return [
        f"{name}: kế hoạch {result.planned}; "
        + "; ".join(f"{label.lower()} {count}" for label, count in stage_counts(programme, result))
        for name, result in per_unit
    ]


def export_caption(unit: str | None, count: int) -> str:
    where = f" — {escape(unit)}" if unit else ""
    return f"📊 Danh sách {count} hộ{where} với giai đoạn và số ảnh minh chứng."


FIELD_NAMES = {"track": "diện hỗ trợ", "work_kind": "loại công trình"}
SHORT_WORDS = {
    "track": "hộ nghèo, cận nghèo, người có công, gia đình chính sách, dân tộc, giảm nghèo",
    "work_kind": "xây mới, sửa",
}


ADD_USAGE = (
    "Cách dùng: <code>/addhouse Họ tên chủ hộ; thôn/ấp; diện; xây mới hoặc sửa chữa</code>, "
    "ví dụ <code>/addhouse Nguyễn Văn A; Ấp 3; hộ nghèo; xây mới</code> "
    "(Văn phòng thêm <code>; tên xã</code> ở cuối)."
)


def add_usage(programme: Programme) -> str:
    return ADD_USAGE + "\n" + allowed_choices(programme)


def allowed_choices(programme: Programme) -> str:
    return (
        f"Diện: {escape('; '.join(programme.tracks.values()))} (gõ ngắn được: {SHORT_WORDS['track']}). "
        f"Loại: {escape('; '.join(programme.work_kinds.values()))}."
    )


def _options(programme: Programme, field_name: str) -> dict[str, str]:
    return programme.tracks if field_name == "track" else programme.work_kinds


def case_problem(programme: Programme, choices: CaseChoices) -> str | None:
    """Which field is wrong or missing, and what it may be (plain text, for HTML callers to escape)."""
    if choices.wrong:
        field_name, typed = choices.wrong[0]
        allowed = "; ".join(_options(programme, field_name).values())
        return (
            f"{FIELD_NAMES[field_name].capitalize()} «{typed}» không hợp lệ; chọn một trong: {allowed} "
            f"(gõ ngắn được: {SHORT_WORDS[field_name]})."
        )
    if choices.missing:
        allowed = ". ".join(
            f"{FIELD_NAMES[f].capitalize()}: {'; '.join(_options(programme, f).values())}"
            for f in choices.missing
        )
        return f"{_missing(choices)} {allowed}."
    return None


def _missing(choices: CaseChoices) -> str:
    names = " và ".join(FIELD_NAMES[f] for f in choices.missing)
    return f"Thiếu {names} (cần để số liệu theo diện, theo loại khớp với kế hoạch)."


def add_problem(programme: Programme, choices: CaseChoices) -> str:
    """/addhouse refused: which field, the allowed values (once), and how the command is written."""
    if choices.wrong:
        return escape(case_problem(programme, choices) or "") + "\n" + ADD_USAGE
    return escape(_missing(choices)) + "\n" + add_usage(programme)


def add_which_commune() -> str:
    return "Chưa rõ xã/phường của hộ: thêm <code>; tên xã</code> ở cuối lệnh."


def added(head_name: str, unit: str) -> str:
    return (
        f"Đã thêm hộ <b>{escape(head_name)}</b> ({escape(unit)}) vào danh sách. Gửi ảnh kèm chú thích "
        f"«khởi công nhà hộ {escape(head_name)}» để cập nhật tiến độ."
    )
