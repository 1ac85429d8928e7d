"""The reminder tick: decide what is due now and put it in the outbox (the sender delivers it).

Runs every few minutes; all it decides is written as notifications under dedupe keys, so a tick
repeated, or run by two instances at once, or after a restart, never sends anything twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.context import Services
from domain import digest, reminder_texts, task_texts
from domain.digest_render import DigestFiles, DrawError
from domain.reminders import (
    Audience,
    Policy,
    Reminder,
    due_dates_reminded_on,
    giao_ban_day,
    in_quiet_hours,
    meeting_prep_days,
    task_reminders_on,
)
from domain.statuses import Role
from domain.workdays import WorkCalendar
from scheduler.giaoban_pack import enqueue_pack
from storage import chats, digest_data, meetings, officials, outbox, reminder_queries, task_notices, tasks
from storage.models import Official, Task

logger = logging.getLogger(__name__)

DRAW_TRIES = 3  # ticks that try to draw the digest's chart and workbook before it goes without them


class ReminderTick:
    """One tick decides and enqueues; `_seen` only spares repeated work within a day (not truth)."""

    def __init__(self, services: Services, *, calendar: WorkCalendar, policy: Policy) -> None:
        self.services, self.calendar, self.policy = services, calendar, policy
        self._seen: set[str] = set()
        self._seen_day: dt.date | None = None
        self._draw_failures: dict[str, int] = {}  # the digest's failed drawings, by its key

    async def __call__(self, now: dt.datetime) -> int:
        local = now.astimezone(self.services.settings.tz)
        today = local.date()
        if self._seen_day != today:
            self._seen, self._seen_day = set(), today
        if not self.calendar.is_working_day(today):
            return 0
        if in_quiet_hours(local.time(), self.policy):
            return 0  # what was not sent today by now waits for tomorrow's fresher one
        count = await self._digest(local, now) if local.time() >= self.policy.digest_at else 0
        if local.time() < self.policy.send_at:
            return count
        async with self.services.db.begin() as session:
            count += await self._tasks(session, today, now)
            count += await self._giao_ban(session, today, now)
            count += await self._meetings(session, today, now)
            count += await self._checkin(session, local, now)
            count += await self._unreachable(session, today, now)
        if count:
            self.services.wake_sender.set()
            logger.info("reminder tick queued %d notifications", count)
        return count

    def _first_time(self, key: str) -> bool:
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    async def _send(
        self,
        session: AsyncSession,
        people: list[Official],
        *,
        key: str,
        kind: str,
        text: str,
        now: dt.datetime,
        buttons: task_texts.Buttons | None = None,
        task_id: int | None = None,
    ) -> int:
        return await task_notices.send_to(
            session, people, kind=kind, key=key, text=text, now=now, buttons=buttons, task_id=task_id
        )

    # --- the Monday digest --------------------------------------------------------------------

    async def _digest(self, local: dt.datetime, now: dt.datetime) -> int:
        """On the giao ban day: the digest to registered groups and to each leader, once."""
        today = local.date()
        monday = today - dt.timedelta(days=today.weekday())
        if giao_ban_day(monday, self.calendar, self.policy) != today:
            return 0
        key = f"digest:{today.isoformat()}"
        if not self._first_time(key):
            return 0
        settings = self.services.settings
        programme = settings.current_programme()
        left = self.calendar.working_days_between(today, programme.deadline) if programme.deadline else None
        files: dict[Path, bytes] = {}
        folder = settings.data_dir / "digests" / today.isoformat()
        chart_path, book_path = folder / "bieu-do.png", folder / f"giao-ban-{today.isoformat()}.xlsx"
        async with DigestFiles() as drawing:  # drawn in processes of their own: the bot's memory stays low
            async with self.services.db() as session:
                data = await digest_data.build_digest(
                    session,
                    day=today,
                    zone=settings.tz,
                    programme=programme,
                    working_days_left=left,
                    calendar=self.calendar,  # the office's DAYS_OFF count in the overdue ages too
                )
            try:
                files[chart_path], files[book_path] = await drawing.draw(data)
            except DrawError:  # a drawing process killed or stuck
                failures = self._draw_failures[key] = self._draw_failures.get(key, 0) + 1
                if failures < DRAW_TRIES:  # the next tick draws the digest again
                    logger.warning(
                        "the digest of %s was not drawn (try %d); again at the next tick", today, failures
                    )
                    self._seen.discard(key)  # (the outbox's dedupe keys still send it once)
                    return 0
                # The leaders' numbers do not wait for a chart: the text goes, saying what is missing.
                logger.exception(
                    "the digest of %s was not drawn %d times; sent without its files", today, failures
                )
        await asyncio.to_thread(_write_files, folder, files)
        count = 0
        async with self.services.db.begin() as session:
            targets: list[tuple[str, int, int | None, str]] = [
                (f"c{chat.id}", chat.telegram_chat_id, None, chat.digest_detail)
                for chat in await chats.digest_chats(session)
            ]
            targets += [
                (f"o{leader.id}", leader.telegram_user_id, leader.id, digest.FULL)
                for leader in await reminder_queries.by_roles(session, roles=[Role.LEADER])
                if leader.telegram_user_id is not None
            ]
            for suffix, chat_id, official_id, detail in targets:
                parts: list[dict[str, str]] = [{"text": text} for text in digest.compose(data, detail=detail)]
                if not files:
                    parts.append({"text": digest.files_missing()})
                else:
                    parts.append({"photo_path": str(chart_path), "caption": digest.caption(data)})
                    if detail == digest.FULL:
                        parts.append({"document_path": str(book_path), "filename": book_path.name})
                for index, payload in enumerate(parts):
                    count += await outbox.enqueue(
                        session,
                        chat_id=chat_id,
                        kind="digest",
                        dedupe_key=f"{key}:{suffix}:p{index}",
                        payload=payload,
                        due_at=now + dt.timedelta(milliseconds=index),
                        official_id=official_id,
                    )
        # The giao ban pack (.docx) goes with it to the full digest's readers and the office.
        count += await enqueue_pack(
            self.services, data=data, calendar=self.calendar, folder=folder, key=key, now=now
        )
        return count

    # --- tasks --------------------------------------------------------------------------------

    async def _tasks(self, session: AsyncSession, today: dt.date, now: dt.datetime) -> int:
        ranges = due_dates_reminded_on(today, self.calendar, self.policy)
        candidates = await reminder_queries.tasks_due_in(session, ranges=ranges)
        candidates += await reminder_queries.overdue_tasks(session, today=today)
        count = 0
        for task in candidates:
            assert task.id is not None and task.due_on is not None
            for reminder in task_reminders_on(task.id, task.due_on, today, self.calendar, self.policy):
                if self._first_time(reminder.key):
                    count += await self._task_reminder(session, task, reminder, today, now)
        return count

    async def _task_reminder(
        self, session: AsyncSession, task: Task, reminder: Reminder, today: dt.date, now: dt.datetime
    ) -> int:
        view = await tasks.task_view(session, task=task)
        if reminder.audience == Audience.ASSIGNEES:
            people = await tasks.assignees_of(session, task=task)
            text = (
                reminder_texts.due_soon(view, reminder.detail, today)
                if reminder.kind == "task.due"
                else reminder_texts.overdue(view, reminder.detail, today)
            )
            return await self._send(
                session,
                people,
                key=reminder.key,
                kind=reminder.kind,
                text=text,
                now=now,
                buttons=task_texts.task_buttons(view),
                task_id=task.id,
            )
        if reminder.audience == Audience.HEADS:
            people = await reminder_queries.unit_heads(session, unit_id=task.lead_unit_id)
            text = reminder_texts.escalated_to_head(view, reminder.detail)
        else:
            people = await reminder_queries.by_roles(session, roles=[Role.LEADER])
            text = reminder_texts.escalated_to_leaders(view, reminder.detail)
        return await self._send(session, people, key=reminder.key, kind=reminder.kind, text=text, now=now)

    # --- meetings -----------------------------------------------------------------------------

    async def _giao_ban(self, session: AsyncSession, today: dt.date, now: dt.datetime) -> int:
        monday = today - dt.timedelta(days=today.weekday())
        meeting_day = giao_ban_day(monday, self.calendar, self.policy)
        key = f"giaoban:{meeting_day.isoformat()}"
        if meeting_day != today or not self._first_time(key):
            return 0
        planned = monday + dt.timedelta(days=self.policy.giao_ban_weekday)
        moved_from = planned if planned != meeting_day else None
        text = reminder_texts.giao_ban_today(
            meeting_day,
            self.policy.giao_ban_at,
            moved_from,
            self.calendar.holiday_name(planned) if moved_from else None,
        )
        people = await reminder_queries.by_roles(session, roles=[Role.LEADER, Role.ADMIN])
        return await self._send(session, people, key=key, kind="meeting.giaoban", text=text, now=now)

    async def _meetings(self, session: AsyncSession, today: dt.date, now: dt.datetime) -> int:
        tz = self.services.settings.tz
        horizon = self.calendar.shift(today, max(self.policy.meeting_prep_days, default=0) + 1)
        start = dt.datetime.combine(today, dt.time(0), tz)
        end = dt.datetime.combine(horizon + dt.timedelta(days=1), dt.time(0), tz)
        count = 0
        for meeting in await meetings.planned_between(session, start=start, end=end):
            local = meeting.starts_at.astimezone(tz)
            day = local.date()
            base = f"meeting:{meeting.id}:{day.isoformat()}"
            if day == today and self._first_time(f"{base}:day"):
                people = await reminder_queries.by_roles(session, roles=[Role.LEADER, Role.ADMIN])
                count += await self._send(
                    session,
                    people,
                    key=f"{base}:day",
                    kind="meeting.day",
                    text=reminder_texts.meeting_today(meeting.title, local),
                    now=now,
                )
            for before, prep_day in meeting_prep_days(day, self.calendar, self.policy).items():
                if prep_day != today:
                    continue
                for item in await meetings.items_of(session, meeting_id=meeting.id or 0):
                    key = f"{base}:prep:{before}:i{item.id}"
                    if item.preparing_unit_id is None or not self._first_time(key):
                        continue
                    people = await officials.officials_to_notify(session, unit_id=item.preparing_unit_id)
                    text = reminder_texts.meeting_prepare(meeting.title, item.title, day, before)
                    count += await self._send(
                        session, people, key=key, kind="meeting.prepare", text=text, now=now
                    )
        return count

    # --- the weekly check-in and who cannot be reached ---------------------------------------

    async def _checkin(self, session: AsyncSession, local: dt.datetime, now: dt.datetime) -> int:
        today = local.date()
        monday = today - dt.timedelta(days=today.weekday())
        day = self.calendar.on_or_before(monday + dt.timedelta(days=self.policy.checkin_weekday))
        if day != today or local.time() < self.policy.checkin_at:
            return 0
        first = f"checkin:{day.isoformat()}"
        again = local.time() >= self.policy.checkin_again_at
        if not self._first_time(f"{first}:{'again' if again else 'first'}"):
            return 0
        count = 0
        started = dt.datetime.combine(day, self.policy.checkin_at, self.services.settings.tz)
        answered = await reminder_queries.reported_since(session, since=started) if again else set()
        for person, open_tasks in await reminder_queries.officials_with_open_tasks(session):
            views = [await tasks.task_view(session, task=t) for t in open_tasks[:10]]
            lines = [task_texts.list_line(v, today) for v in views]
            count += await self._send(
                session,
                [person],
                key=first,
                kind="checkin",
                text=reminder_texts.checkin(lines, len(open_tasks)),
                now=now,
                buttons=task_texts.list_buttons(views, page=1, pages=1),
            )
            if again and person.id not in answered:
                count += await self._send(
                    session,
                    [person],
                    key=f"{first}:again",
                    kind="checkin.again",
                    text=reminder_texts.checkin_again(),
                    now=now,
                )
        return count

    async def _unreachable(self, session: AsyncSession, today: dt.date, now: dt.datetime) -> int:
        monday = today - dt.timedelta(days=today.weekday())
        if self.calendar.on_or_after(monday) != today:
            return 0
        key = f"unreachable:{today.isoformat()}"
        if not self._first_time(key):
            return 0
        rows = await reminder_queries.unreachable_officials(session)
        if not rows:
            return 0
        reasons = [
            (
                unit,
                o.full_name,
                reminder_texts.REASON_NOT_LINKED
                if o.telegram_user_id is None
                else reminder_texts.REASON_BLOCKED,
            )
            for o, unit in rows
        ]
        office = await reminder_queries.by_roles(session, roles=[Role.ADMIN])
        count = await self._send(
            session,
            office,
            key=key,
            kind="unreachable.office",
            text=reminder_texts.unreachable_for_office(reasons),
            now=now,
        )
        by_unit: dict[int, list[str]] = {}
        for official, _ in rows:
            if official.unit_id is not None:
                by_unit.setdefault(official.unit_id, []).append(official.full_name)
        for unit_id, names in by_unit.items():
            heads = [
                h
                for h in await reminder_queries.unit_heads(session, unit_id=unit_id)
                if h.full_name not in names
            ]
            count += await self._send(
                session,
                heads,
                key=f"{key}:u{unit_id}",
                kind="unreachable.head",
                text=reminder_texts.unreachable_for_head(names),
                now=now,
            )
        return count


def _write_files(folder: Path, files: dict[Path, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path, data in files.items():
        temporary = path.with_suffix(path.suffix + ".part")
        temporary.write_bytes(data)
        temporary.replace(path)
