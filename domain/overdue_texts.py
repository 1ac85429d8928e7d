"""How overdue age is said, everywhere: in working days, as the reminders count it."""

from __future__ import annotations


def overdue_age(working_days: int) -> str:
    """'quá hạn 3 ngày làm việc'; a deadline passed only over a weekend or holiday is 'vừa quá hạn'."""
    if working_days <= 0:
        return "vừa quá hạn"
    return f"quá hạn {working_days} ngày làm việc"


def oldest_overdue(working_days: int) -> str:
    return f"quá hạn lâu nhất {working_days} ngày làm việc"
