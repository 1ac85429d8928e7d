"""Units as directives name them: who leads ("Giao Văn phòng Huyện ủy …", "Ủy ban nhân dân huyện
tập trung …", "… chủ trì"), who cooperates ("phối hợp với …"), which communes are named, and who
issued the document. Names are returned as written (one tone placement), and so are the generic
addressees ("Đảng ủy các xã, thị trấn", "các cơ quan tham mưu, giúp việc Huyện ủy": the groups
of domain/addressees.py); matching them to the unit tree is storage's job, which offers the
closest units when a name is not found and expands a group to its units.
"""

from __future__ import annotations

import re

from domain.addressees import GROUP
from domain.vntext import normalize_name

_BODIES = (
    r"Văn phòng|Ban Tổ chức|Ban Tuyên giáo(?: và Dân vận)?|Ban Dân vận|Ban Nội chính"
    r"|[UỦ][yỷ] ban Kiểm tra|[UỦ][yỷ] ban nhân dân|UBND|Hội đồng nhân dân|HĐND"
    r"|[UỦ][yỷ] ban (?:MTTQ|Mặt trận Tổ quốc)(?: Việt Nam)?|Mặt trận Tổ quốc"
    r"|Ban Thường vụ|Thường trực|Ban Chấp hành Đảng bộ|Ban Chấp hành|Đảng [uủ][yỷ]|Công an"
    r"|Ban Chỉ huy Quân sự|Hội Nông dân|Hội Liên hiệp Phụ nữ|Hội Cựu chiến binh|Đoàn Thanh niên"
    r"|Phòng [A-ZĐ][a-zà-ỹđ]+(?: [a-zà-ỹđ]+)*|Trung tâm [A-ZĐ][a-zà-ỹđ]+(?: [a-zà-ỹđ]+)*"
)
_PLACE = r"[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][^\W\d_]*(?: [A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][^\W\d_]*){0,3}"
_SCOPES = (
    r"Huyện [uủ][yỷ]|Tỉnh [uủ][yỷ]|Thị [uủ][yỷ]|Thành [uủ][yỷ]|huyện|tỉnh"
    rf"|xã {_PLACE}|thị trấn {_PLACE}|phường {_PLACE}|đặc khu {_PLACE}"
)
UNIT = re.compile(rf"(?:{_BODIES})\s+(?:{_SCOPES})")
_SEPARATOR = re.compile(r"(?:,\s*|và\s+|\s+)*")
_LEAD_IN = re.compile(r"^(?:(?:[Cc]ác\s+)?đồng chí\s+|[UỦ][yỷ] viên\s+|[Cc]ác\s+|,\s*|và\s+|\s+)*")
_GIVE = re.compile(r"\bGiao(?:\s+cho)?\s+")
_LEADS = re.compile(rf"((?:{UNIT.pattern})(?:\s*(?:,|và)\s*(?:{UNIT.pattern}))*)\s+chủ trì")
_WITH = re.compile(r"\bphối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+")
_COMMUNE = re.compile(rf"\b(xã|thị trấn|phường)\s+({_PLACE})")
_ISSUES = re.compile(rf"((?:{UNIT.pattern}))\s+(?:yêu cầu|đề nghị|chỉ đạo|thông báo|giao|kết luận)")


def normal(name: str) -> str:
    """One spelling: NFC, new tone placement ("Huyện uỷ" → "Huyện ủy"), single spaces."""
    return normalize_name(name)


def _units(text: str) -> list[str]:
    return list(dict.fromkeys(normal(m.group(0)) for m in UNIT.finditer(text)))


def _subject(text: str) -> list[str]:
    """Units that open the text ("Các đồng chí Ủy viên Ban Thường vụ Huyện ủy, … tăng cường")."""
    found, position = [], 0
    while True:
        position = _SEPARATOR.match(text, position).end()  # type: ignore[union-attr]
        if group := GROUP.match(text, position):  # "các xã, thị trấn": a group, kept as written
            found.append(normal(group.group(0)))
            position = group.end()
            continue
        position += _LEAD_IN.match(text[position:]).end()  # type: ignore[union-attr]
        unit = UNIT.match(text, position)
        if unit is None:
            return found
        found.append(normal(unit.group(0)))
        position = unit.end()


def lead_and_cooperating(text: str) -> tuple[list[str], list[str]]:
    """The lead units and the cooperating ones that the text names (possibly none)."""
    cooperating = [u for m in _WITH.finditer(text) for u in _subject(text[m.end() :])]
    lead: list[str] = []
    for give in _GIVE.finditer(text):
        lead += _subject(text[give.end() :])
    for leads in _LEADS.finditer(text):
        lead += _units(leads.group(1))
    if not lead:
        lead = _subject(text)
    lead = list(dict.fromkeys(lead))
    return lead, [u for u in dict.fromkeys(cooperating) if u not in lead]


def communes(text: str) -> list[str]:
    """Communes, townships and wards named in the text ("xã Đồng Việt", "thị trấn Tân An")."""
    return list(dict.fromkeys(normal(f"{m.group(1)} {m.group(2)}") for m in _COMMUNE.finditer(text)))


def issuer_of(text: str) -> list[str]:
    """The body that asks ("Thường trực Huyện ủy yêu cầu …"), from the lines before the items."""
    return [normal(m.group(1)) for m in _ISSUES.finditer(text)]
