"""The working-day calendar, pure: Tết, the April-May and September holidays with their make-up
days, the Saturdays the government swaps into working days, and the office's own corrections."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import ConfigError, Settings, load_settings
from domain.workdays import WorkCalendar

CALENDAR = WorkCalendar()


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def days_off(first: str, last: str, calendar: WorkCalendar = CALENDAR) -> list[str]:
    day, end, found = d(first), d(last), []
    while day <= end:
        if not calendar.is_working_day(day):
            found.append(f"{day:%d/%m}")
        day += dt.timedelta(days=1)
    return found


def test_tet_2026_and_2027() -> None:
    # 2026: Giao thừa Monday 16/02 to Mùng bốn Friday 20/02, between two weekends.
    assert days_off("12/02/2026", "24/02/2026") == [
        "14/02",
        "15/02",
        "16/02",
        "17/02",
        "18/02",
        "19/02",
        "20/02",
        "21/02",
        "22/02",
    ]
    assert CALENDAR.holiday_name(d("17/02/2026")) == "Tết Nguyên Đán"
    assert CALENDAR.working_days_between(d("13/02/2026"), d("23/02/2026")) == 1
    # 2027: 29 Tết Thursday 04/02 to Mùng năm Wednesday 10/02.
    assert days_off("03/02/2027", "11/02/2027") == [
        "04/02",
        "05/02",
        "06/02",
        "07/02",
        "08/02",
        "09/02",
        "10/02",
    ]
    assert CALENDAR.shift(d("03/02/2027"), 1) == d("11/02/2027")


def test_reunification_and_labour_day() -> None:
    assert days_off("29/04/2026", "04/05/2026") == ["30/04", "01/05", "02/05", "03/05"]
    # 2027: 01/05 is a Saturday, so Monday 03/05 is the make-up day off.
    assert days_off("29/04/2027", "04/05/2027") == ["30/04", "01/05", "02/05", "03/05"]
    assert CALENDAR.holiday_name(d("03/05/2027")) == "Ngày Quốc tế Lao động (nghỉ bù)"


def test_national_day_with_its_extra_day() -> None:
    assert days_off("31/08/2025", "03/09/2025") == ["31/08", "01/09", "02/09"]  # Monday 01/09 extra
    assert days_off("01/09/2027", "06/09/2027") == ["02/09", "03/09", "04/09", "05/09"]  # Friday 03/09 extra


def test_hung_kings_day_with_its_make_up_day() -> None:
    assert days_off("06/04/2025", "08/04/2025") == ["06/04", "07/04"]  # Monday 07/04/2025
    # 2026: the day falls on Sunday 26/04; Monday 27/04 is taken off instead.
    assert days_off("24/04/2026", "28/04/2026") == ["25/04", "26/04", "27/04"]
    assert CALENDAR.holiday_name(d("27/04/2026")) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"


@pytest.mark.parametrize(
    ("saturday", "weekday_off"),
    [("26/04/2025", "02/05/2025"), ("22/08/2026", "31/08/2026")],
)
def test_swapped_saturdays_are_working_days_and_their_weekdays_are_off(
    saturday: str, weekday_off: str
) -> None:
    assert CALENDAR.is_working_day(d(saturday))  # without the office typing it
    assert CALENDAR.holiday_name(d(saturday)) is None
    assert not CALENDAR.is_working_day(d(weekday_off))
    assert CALENDAR.holiday_name(d(weekday_off)) == f"Ngày nghỉ (thay cho ngày {saturday})"


def test_swapped_saturdays_count_in_every_working_day_figure() -> None:
    # Due Friday 21/08/2026: on Monday 24/08 it is 2 working days overdue (Saturday 22/08 worked).
    assert CALENDAR.days_overdue(d("21/08/2026"), d("24/08/2026")) == 2
    assert CALENDAR.shift(d("25/04/2025"), 1) == d("26/04/2025")
    assert CALENDAR.on_or_before(d("31/08/2026")) == d("28/08/2026")
    # 2026 around National Day: Saturday 22/08 worked, Monday 31/08 to Wednesday 02/09 off.
    assert CALENDAR.working_days_between(d("21/08/2026"), d("04/09/2026")) == 1 + 5 + 2


def test_overdue_age_in_working_days() -> None:
    assert CALENDAR.days_overdue(d("24/04/2026"), d("24/04/2026")) == 0  # due today: not overdue
    assert CALENDAR.days_overdue(d("24/04/2026"), d("20/04/2026")) == 0
    assert CALENDAR.days_overdue(d("24/04/2026"), d("28/04/2026")) == 1  # weekend and Giỗ Tổ (nghỉ bù)
    assert CALENDAR.days_overdue(d("25/04/2026"), d("28/04/2026")) == 1  # due on a weekend
    assert CALENDAR.days_overdue(d("31/12/2026"), d("05/01/2027")) == 2  # 01/01 off, weekend
    assert CALENDAR.working_days_between(d("01/01/2025"), d("01/01/2027")) == sum(
        CALENDAR.is_working_day(d("01/01/2025") + dt.timedelta(days=n)) for n in range(1, 731)
    )


def test_the_offices_days_off_and_working_days_win() -> None:
    calendar = WorkCalendar(
        extra_days_off=[d("02/01/2026"), d("22/08/2026")],
        extra_working_days=[d("31/08/2026"), d("10/01/2026")],
    )
    assert not calendar.is_working_day(d("02/01/2026"))  # a bridge day the province gives
    assert calendar.holiday_name(d("02/01/2026")) == "Ngày nghỉ bù"
    assert not calendar.is_working_day(d("22/08/2026"))  # the province does not work that Saturday
    assert calendar.is_working_day(d("31/08/2026")) and calendar.holiday_name(d("31/08/2026")) is None
    assert calendar.is_working_day(d("10/01/2026"))  # a Saturday worked in exchange
    assert calendar.working_days_between(d("01/01/2026"), d("05/01/2026")) == 1  # 02/01 off, 05/01
    assert calendar.working_days_between(d("09/01/2026"), d("12/01/2026")) == 2  # Saturday 10/01, 12/01
    assert CALENDAR.working_days_between(d("09/01/2026"), d("12/01/2026")) == 1


def test_settings_build_the_calendar_and_refuse_a_day_both_off_and_worked() -> None:
    settings = Settings(days_off="02/01/2026", working_days="10/01/2026", _env_file=None)  # type: ignore[call-arg]
    calendar = settings.work_calendar()
    assert not calendar.is_working_day(d("02/01/2026")) and calendar.is_working_day(d("10/01/2026"))
    with pytest.raises(ConfigError, match="WORKING_DAYS: 10/01/2026 is also in DAYS_OFF"):
        load_settings(days_off="10/01/2026", working_days="10/01/2026", _env_file=None)


def test_shifting_back_skips_weekends_and_holidays() -> None:
    """A reminder 'N working days before' counts back over weekends and Tết."""
    monday = dt.date(2026, 11, 23)
    assert CALENDAR.shift(monday, -1) == dt.date(2026, 11, 20)  # the Friday before
    assert CALENDAR.shift(monday, 1) == dt.date(2026, 11, 25)  # 24/11, Ngày Văn hóa Việt Nam, is off
    assert CALENDAR.shift(dt.date(2027, 2, 11), -1) == dt.date(2027, 2, 3)  # back over Tết 2027 (4–10/2)
    assert CALENDAR.shift(monday, 0) == monday
