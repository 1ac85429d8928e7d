"""Read a directive: from its text to proposed tasks, units, deadlines and meetings.

A person confirms every proposal: the reader never guesses. What it cannot tell (a deadline in
words it does not know, a lead unit the text does not name) stays empty for the office to fill,
and the original words are always kept beside what was read from them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from domain import directive_units as du
from domain.dates import DateError, parse_due
from domain.directive_text import check_not_secret, paragraphs
from domain.vntext import accent_free_key

_SECTION = re.compile(r"^([IVX]+)\s*[-.]\s*(.+)$")
_ITEM = re.compile(r"^(\d+(?:\.\d+)*)\.\s+(.*)$")
_SUB = re.compile(r"^\((\d{1,2})\)\.?\s+(.*)$")
_BULLET = re.compile(r"^[-+•]\s+(.*)$")
_INLINE_SUB = re.compile(r"\((\d{1,2})\)\s+(?=[A-ZĐÀ-Ỹ])")
_NUMBER = re.compile(r"\b\d{1,5}-[A-ZĐ]{1,5}/[A-ZĐ]{1,5}\b|\b\d{1,5}/(?:\d{4}/)?[A-ZĐ]{1,6}-[A-ZĐ]{1,8}\b")
_HEADER_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
# "Tam Kỳ, ngày 03/5/2024" as the place-and-date line (not "Công văn số … ngày 03/5/2024" in a sentence)
_PLACE_DATE = re.compile(r"^[A-ZĐÀ-Ỹ][^\d,;:]{1,40},\s*ngày\s+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
# The header's "Số 3022-CV/TU", at a line's start or after the issuer's capitals (a PDF's two columns
# side by side); extraction may leave "Số: 3022 - CV/TU", "Số 3022" / "-CV/TU", "Số 3022-" / "CV/TU".
_OWN_NUMBER = re.compile(
    r"(?:^|(?<=[A-ZĐÀ-Ỹ*]\s))Số\s*[:.]?\s*(\d{1,5}(?:\s*-\s*[A-ZĐ][A-Za-zĐđ]{0,5}(?:/[A-ZĐ]{1,6})+)?)"
)
_KINDS = ("Công văn", "Thông báo", "Kế hoạch", "Chương trình", "Chỉ thị", "Nghị quyết", "Kết luận", "Báo cáo")
_HEADER_END = re.compile(r"^(?:-\s*)?Kính gửi")
_DEADLINE = re.compile(
    r"(?:trước|vào)\s+(?:ngày\s+)?\d{1,2}\s+(?:hằng|hàng)\s+tháng|"
    r"(?:(?:xong|hoàn thành|báo cáo)\s+)?"
    r"(?:trước|chậm nhất(?: là)?|hạn(?: chót)?|đến hết|đến|dự kiến|xong trước)"
    r"(?:\s+\d{1,2}\s*(?:h|giờ)(?:\s*\d{2})?)?\s+(?:ngày\s+)?\d{1,2}/\d{1,2}(?:/\d{4})?"
    r"|trong\s+(?:vòng\s+)?\d{1,3}\s+ngày(?:\s+làm\s+việc)?"
    r"|trong\s+quý\s+[IV1-4]+(?:/\d{4})?|(?:sáng|chiều)?\s*thứ\s+\w+\s+(?:hằng|hàng)\s+tuần"
    r"|(?:hằng|hàng)\s+(?:tháng|tuần|quý|năm)",
    re.IGNORECASE,
)
_REPORT_SECTIONS = ("ket qua", "tinh hinh thuc hien", "han che", "nguyen nhan", "danh gia")
_FOCUS_SECTIONS = ("nhiem vu trong tam", "phuong huong", "nhiem vu thoi gian toi", "nhiem vu, giai phap")
_MEETING_SECTIONS = ("hoi nghi",)
_PREPARES = re.compile(r"^\((.+?)\s+chuẩn bị(?:\s+nội dung\s+(\d+)\s*[-–]\s*(\d+))?\)\.?$")


@dataclass
class DirectiveInfo:
    number: str | None
    date: str | None
    issuer: str | None
    summary: str | None
    cites: list[str] = field(default_factory=list)


@dataclass
class ProposedTask:
    ref: str
    title: str
    text: str
    lead_units: list[str]
    cooperating_units: list[str]
    communes: list[str]
    due: str | None
    due_text: str | None
    recurrence: str | None


@dataclass
class MeetingItem:
    ref: str
    text: str
    preparing_unit: str | None


@dataclass
class ProposedMeeting:
    ref: str
    title: str
    date: str | None
    due_text: str | None
    recurrence: str | None
    items: list[MeetingItem] = field(default_factory=list)


@dataclass
class Proposal:
    directive: DirectiveInfo
    tasks: list[ProposedTask]
    meetings: list[ProposedMeeting]

    def as_json(self) -> dict[str, Any]:
        """The stable contract other tools read (README: `nhacviec directive parse --json`)."""
        return asdict(self)


@dataclass
class _Block:
    """One numbered item (or section lead-in) with the paragraphs that continue it."""

    section: str | None
    section_title: str
    ref: str
    paragraphs: list[str]


class EmptyDocumentError(ValueError):
    """No text that reads as a directive (empty, garbled, or in another language)."""


def parse_directive(text: str, *, today: dt.date) -> Proposal:
    """The proposal for a directive's text; `today` stands in for a document date it lacks."""
    check_not_secret(text)
    paras = paragraphs(text)
    if not _looks_vietnamese(" ".join(paras)):
        raise EmptyDocumentError("not a directive")
    body, preamble = _body(paras)
    info = _info(paras, preamble)
    signed = dt.date.fromisoformat(info.date) if info.date else today
    blocks = _blocks(body)
    meetings = [_meeting(b, signed) for b in blocks if _is_meeting_section(b.section_title)]
    default_due = _programme_month_end(meetings) if meetings else None
    tasks = [
        task
        for block in blocks
        if _wants_tasks(block.section_title, report=_is_report(info, paras))
        for task in _tasks(block, signed, default_due)
    ]
    return Proposal(info, tasks, meetings)


_COMMON_WORDS = frozenset(
    {"và", "các", "của", "thực", "hiện", "nhiệm", "vụ", "được", "trong", "với", "cho", "năm", "ngày"}
    | {"tháng", "đơn", "vị", "chỉ", "đạo", "tổ", "chức", "công", "tác"}
)


def _looks_vietnamese(text: str) -> bool:
    """Enough of the commonest words of directives; mojibake and other languages have none."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    return sum(word in _COMMON_WORDS for word in words) >= max(5, len(words) // 20)


def _body(paras: list[str]) -> tuple[list[str], list[str]]:
    """The numbered part (up to 'Nơi nhận' or the signature) and what precedes it."""
    start = next((i for i, p in enumerate(paras) if _ITEM.match(p) or _SECTION.match(p)), len(paras))
    end = next(
        (i for i, p in enumerate(paras) if i > start and (p.startswith("Nơi nhận") or p.isupper())),
        len(paras),
    )
    return paras[start:end], paras[:start]


def _header(paras: list[str]) -> list[str]:
    """The lines above the addressees ("Kính gửi") or the first item: issuer, number, place and
    date, kind and summary. Without them (a text pasted from the body) the header is empty."""
    end = next((i for i, p in enumerate(paras) if _HEADER_END.match(p) or _ITEM.match(p)), len(paras))
    return paras[: min(end, 12)]


def _own_number(header: list[str]) -> str | None:
    for line in header:
        if match := _OWN_NUMBER.search(line):
            return re.sub(r"\s+", "", match.group(1))
    return None


def _header_date(header: list[str]) -> re.Match[str] | None:
    joined = " ".join(header)
    return _HEADER_DATE.search(joined) or next(
        (m for line in header if (m := _PLACE_DATE.search(line))), None
    )


def document_kind(text: str) -> str | None:
    """'Công văn', 'Thông báo', …: from the header's heading (CÔNG VĂN, THÔNG BÁO), else from the
    document naming itself ("theo tinh thần Công văn này"); None when it says neither."""
    paras = paragraphs(text)
    for line in _header(paras):
        first = line.split(" ", 2)
        if len(first) >= 2 and (kind := " ".join(first[:2]).capitalize()) in _KINDS and line.isupper():
            return kind
    mentions = re.findall(r"\b(" + "|".join(_KINDS) + r") này\b", " ".join(paras))
    return mentions[-1] if mentions else None


def _info(paras: list[str], preamble: list[str]) -> DirectiveInfo:
    header = _header(paras)
    date = _header_date(header)
    number = _own_number(header)
    cites = list(dict.fromkeys(n for p in paras for n in _NUMBER.findall(p) if n != number))
    issuer = next((u for p in preamble for u in du.issuer_of(p)), None)
    summary = next((m.group(1).strip() for p in paras[:8] if (m := re.match(r"^V/v\s+(.+)$", p))), None)
    iso = dt.date(int(date.group(3)), int(date.group(2)), int(date.group(1))).isoformat() if date else None
    return DirectiveInfo(number, iso, issuer, summary, cites)


def _blocks(body: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    section, title = None, ""
    for para in body:
        if heading := _SECTION.match(para):
            section, title = heading.group(1), heading.group(2)
            continue
        item = _ITEM.match(para)
        if item or not blocks or blocks[-1].section != section:
            ref = item.group(1) if item else "0"
            blocks.append(_Block(section, title, f"{section}.{ref}" if section else ref, []))
            para = item.group(2) if item else para
        blocks[-1].paragraphs.append(para)
    return blocks


def _is_report(info: DirectiveInfo, paras: list[str]) -> bool:
    return bool(info.number and "-BC/" in info.number) or any(
        accent_free_key(p) == "bao cao" for p in paras[:6]
    )


def _wants_tasks(section_title: str, *, report: bool) -> bool:
    key = accent_free_key(section_title)
    if _is_meeting_section(section_title) or any(word in key for word in _REPORT_SECTIONS):
        return any(word in key for word in _FOCUS_SECTIONS)
    return not report or any(word in key for word in _FOCUS_SECTIONS)


def _is_meeting_section(section_title: str) -> bool:
    return any(word in accent_free_key(section_title) for word in _MEETING_SECTIONS)


def _tasks(block: _Block, signed: dt.date, default_due: dt.date | None) -> list[ProposedTask]:
    first, rest = block.paragraphs[0], block.paragraphs[1:]
    if block.ref.endswith(".0") or block.ref == "0":
        return []  # a section's lead-in, not an item
    subs = _inline_subs(first)
    if subs:
        return [_task(f"{block.ref}.({n})", body, signed, default_due) for n, body in subs]
    bullets = [m.group(1) for p in rest if (m := _BULLET.match(p))]
    if bullets:
        head = du.lead_and_cooperating(first)  # "Văn phòng Huyện ủy:" then what it must do
        return [
            _task(f"{block.ref}.-{i}", bullet, signed, default_due, head=head)
            for i, bullet in enumerate(bullets, 1)
        ]
    return [_task(block.ref, " ".join([first, *rest]), signed, default_due)]


def _inline_subs(text: str) -> list[tuple[int, str]]:
    """'…các nhiệm vụ: (1) A. (2) B.' → [(1, 'A.'), (2, 'B.')]; only a run numbered from 1."""
    marks = list(_INLINE_SUB.finditer(text))
    numbers = [int(m.group(1)) for m in marks]
    if len(marks) < 2 or numbers != list(range(1, len(marks) + 1)):
        return []
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [(n, text[m.end() : end].strip()) for n, m, end in zip(numbers, marks, ends, strict=True)]


def _task(
    ref: str,
    text: str,
    signed: dt.date,
    default_due: dt.date | None,
    *,
    head: tuple[list[str], list[str]] = ([], []),
) -> ProposedTask:
    due, due_text, recurrence = _deadline(text, signed)
    if due is None and default_due is not None and recurrence is None:
        due, due_text = default_due, None
    lead, cooperating = du.lead_and_cooperating(text)
    lead, cooperating = lead or head[0], cooperating or head[1]
    return ProposedTask(
        ref=ref,
        title=_title(text),
        text=text,
        lead_units=lead,
        cooperating_units=cooperating,
        communes=du.communes(text),
        due=due.isoformat() if due else None,
        due_text=due_text,
        recurrence=recurrence,
    )


def _title(text: str, limit: int = 120) -> str:
    sentence = re.split(r"(?<=[.;])\s", text, maxsplit=1)[0].rstrip(".;")
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + "…"


def _deadline(text: str, signed: dt.date) -> tuple[dt.date | None, str | None, str | None]:
    for match in _DEADLINE.finditer(text):
        phrase = " ".join(match.group(0).split())
        try:
            due = parse_due(phrase, today=signed, allow_past=True)
        except DateError:
            continue
        return due.on, phrase, due.recurrence
    return None, None, None


def _meeting(block: _Block, signed: dt.date) -> ProposedMeeting:
    first = block.paragraphs[0]
    title = du.normal(re.split(r":|\(|\.\s", first, maxsplit=1)[0].strip().rstrip("."))
    due, due_text, recurrence = _deadline(first, signed)
    meeting = ProposedMeeting(block.ref, title, due.isoformat() if due else None, due_text, recurrence)
    for para in block.paragraphs[1:]:
        if sub := _SUB.match(para):
            meeting.items.append(MeetingItem(f"{block.ref}.({sub.group(1)})", sub.group(2).strip(), None))
        elif (prepares := _PREPARES.match(para)) and meeting.items:
            unit = du.normal(prepares.group(1))
            low, high = prepares.group(2), prepares.group(3)
            chosen = meeting.items[int(low) - 1 : int(high)] if low and high else meeting.items[-1:]
            for item in chosen:
                item.preparing_unit = unit
    return meeting


def _programme_month_end(meetings: list[ProposedMeeting]) -> dt.date | None:
    """A monthly programme's items fall due at the end of the month its meetings are in."""
    dated = sorted(m.date for m in meetings if m.date and not m.recurrence)
    if not dated:
        return None
    first = dt.date.fromisoformat(dated[0])
    following = first.replace(day=28) + dt.timedelta(days=4)
    return following - dt.timedelta(days=following.day)
