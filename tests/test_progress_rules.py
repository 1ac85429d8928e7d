"""Progress is one number (issue 10.6), pinned as pure rules: how a reply is read, the two views of
one reading, the button codec, and what a task's stored progress shows. Written by hand from how
officials answer ("5/12", "60%", "12,5%", "7"), not from the code's output."""

from __future__ import annotations

import datetime as dt

import pytest

from domain import progress
from domain.progress import Progress, Reading
from domain.statuses import TaskStatus
from domain.tasks import can_report, can_request_extension, completion_status

# (reply, the task's target, the reading: percent, quantity, target, new_target, rescaled) or None
READINGS: list[tuple[str, float | None, tuple[float, float | None, float | None, bool, bool] | None]] = [
    ("5/12", 12, (41.7, 5, 12, False, False)),
    (" 5 / 12 ", 12, (41.7, 5, 12, False, False)),
    ("12/12", 12, (100.0, 12, 12, False, False)),
    ("0/12", 12, (0.0, 0, 12, False, False)),
    ("5/10", 12, (50.0, 6.0, 12, False, True)),  # another total: read as 50 %, that is 6 of 12
    ("5/12", None, (41.7, 5, 12, True, False)),  # no target yet: 12 becomes the target
    ("2,5/10", None, (25.0, 2.5, 10, True, False)),
    ("20/12", 12, (166.7, 20, 12, False, False)),  # over the target: returned, the bot asks
    ("121/12", 12, None),  # past ten times the target: a slip, not a report
    ("120/12", 12, (1000.0, 120, 12, False, False)),  # exactly ten times is still read
    ("5/0", 12, None),
    ("60%", 12, (60.0, 7.2, 12, False, False)),
    ("12,5%", None, (12.5, None, None, False, False)),  # kept as confirmed, never rounded to 12
    ("12.5 %", 8, (12.5, 1.0, 8, False, False)),
    ("150%", 12, (150.0, 18.0, 12, False, False)),
    ("1000%", None, (1000.0, None, None, False, False)),
    ("1001%", None, None),
    ("7", 12, (58.3, 7, 12, False, False)),  # a bare count toward the target
    ("7", None, None),  # a bare number without a target says nothing
    ("121", 12, None),
    ("120", 12, (1000.0, 120, 12, False, False)),  # exactly ten times the target is still read
    ("1/1", None, (100.0, 1, 1, True, False)),  # a total of one is a total
    ("ok", 12, None),
    ("5/12 căn", 12, None),
    ("", 12, None),
]


@pytest.mark.parametrize(("text", "target", "expected"), READINGS)
def test_a_reply_is_read_as_one_progress(
    text: str, target: float | None, expected: tuple[float, float | None, float | None, bool, bool] | None
) -> None:
    reading = progress.read_progress(text, target=target)
    if expected is None:
        assert reading is None
        return
    percent, quantity, total, new_target, rescaled = expected
    assert reading == Reading(Progress(percent, quantity, total), new_target=new_target, rescaled=rescaled)


def test_the_two_views_are_the_same_number() -> None:
    assert progress.from_percent(60, 12) == Progress(60.0, 7.2, 12)
    assert progress.from_percent(33.333, 3) == Progress(33.3, 1.0, 3)  # 33,3 % of 3 is 0,999 → 1,0
    assert progress.from_percent(50, None) == Progress(50.0, None, None)
    assert progress.from_percent(50, 0) == Progress(50.0, None, None)  # a zero target is none
    assert progress.from_quantity(5, 12) == Progress(41.7, 5, 12)
    assert progress.from_quantity(1, 3) == Progress(33.3, 1, 3)
    assert progress.from_quantity(13, 12).exceeds
    assert not progress.from_quantity(12, 12).exceeds


@pytest.mark.parametrize(
    ("reading", "code"),
    [(Progress(41.7, 5, 12), "q500"), (Progress(12.5), "p1250"), (Progress(60.0, 7.2, 12), "q720")],
)
def test_a_button_carries_the_reading_and_gives_it_back(reading: Progress, code: str) -> None:
    assert progress.encode(reading) == code
    assert progress.decode(code, target=reading.target) == reading


@pytest.mark.parametrize(
    "code", ["", "q", "x500", "q-5", "q5.0", "p1e3", "q١٢", "p" + "9" * 10, "p100001", "q12001"]
)
def test_a_forged_button_value_is_refused(code: str) -> None:
    assert progress.decode(code, target=12) is None


def test_the_codec_edges() -> None:
    assert progress.decode("p100000", target=None) == Progress(1000.0)  # ten times is the limit
    assert progress.decode("q12000", target=12) == Progress(1000.0, 120, 12)
    assert progress.decode("p000005000", target=None) == Progress(50.0)  # nine digits are allowed


def test_a_quantity_button_needs_a_target() -> None:
    assert progress.decode("q500", target=None) is None
    assert progress.decode("p5000", target=None) == Progress(50.0)
    assert progress.decode("p5000", target=12) == Progress(50.0, 6.0, 12)  # a percentage on a count
    assert progress.decode("q500", target=10) == Progress(50.0, 5, 10)  # against today's target


def test_a_tasks_stored_progress_is_one_reading() -> None:
    assert progress.current(None, None, None) is None  # nothing reported yet
    assert progress.current(None, None, 12) == Progress(0.0, 0, 12)  # 0/12 căn
    assert progress.current(50.0, None, 12) == Progress(50.0, 6.0, 12)  # a percentage on a count
    assert progress.current(41.7, 5, 12) == Progress(41.7, 5, 12)
    assert progress.current(41.7, 5.0, 12) == progress.from_quantity(5, 12)  # the count decides
    assert progress.current(12.5, None, None) == Progress(12.5)
    assert progress.current(0.0, None, None) == Progress(0.0)
    assert progress.is_unstarted(None) and progress.is_unstarted(0.0)
    assert not progress.is_unstarted(0.1)


def test_who_may_report_and_ask_for_more_time() -> None:
    open_ones = {TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED}
    for status in TaskStatus:
        assert can_report(status) == (status in open_ones), status
        assert can_request_extension(status) == (status in open_ones), status
    assert completion_status(needs_confirmation=True) == TaskStatus.AWAITING_CONFIRMATION
    assert completion_status(needs_confirmation=False) == TaskStatus.DONE


def test_the_reporter_never_confirms_and_lower_or_older_readings() -> None:
    from domain.tasks import is_older_report, lowers_progress, may_confirm

    assert may_confirm(7, 3) and may_confirm(7, None)  # someone else, or nobody recorded
    assert not may_confirm(3, 3)  # the one who reported it done
    assert not may_confirm(None, 3)
    assert lowers_progress(41.7, 25.0)
    assert not lowers_progress(41.7, 41.7) and not lowers_progress(41.7, 50.0)
    assert not lowers_progress(None, 0.0)  # a first report lowers nothing
    stored = dt.datetime(2026, 11, 23, 2, 0, 5, 600_000, tzinfo=dt.UTC)  # a button press, 09:00:05.6
    assert is_older_report(dt.datetime(2026, 11, 23, 2, 0, 4, tzinfo=dt.UTC), stored)
    assert not is_older_report(dt.datetime(2026, 11, 23, 2, 0, 5, tzinfo=dt.UTC), stored)  # same second
    assert not is_older_report(dt.datetime(2026, 11, 23, 2, 0, 6, tzinfo=dt.UTC), stored)
    assert not is_older_report(dt.datetime(2026, 11, 23, 2, 0, 4, tzinfo=dt.UTC), None)
