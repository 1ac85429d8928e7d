"""Database round trips per update (issue 13.2): an official's progress reply and button presses
cost a handful of statements each, not the same rows read again and again.

Counted: every statement the bot's engine sends while one update is handled, from its claim in
the inbox to its close, both included. The budgets are today's counts; a handler that reads the
task once more than it needs, or reads back what its UPDATE could return, goes over them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from domain.statuses import InboxStatus
from storage.db import read_session_factory, session_factory
from storage.models import InboxUpdate
from tests.conftest import RunningBot
from tests.factories import say, wait_until
from tests.test_taskflow_cards import HUNG, taskflow_world
from tests.test_tasks_e2e import buttons

CLAIM = "SET attempts=(inbox_update.attempts"
CLOSE = "SET status="
PROGRESS = "⏳ Đang thực hiện"


@contextmanager
def handled_statements(checks: Any) -> Iterator[list[list[str]]]:
    """The statements of each update the bot handles, from its inbox claim to its close (the
    test's own engine, `checks`, left out); a transaction's COMMIT counts as "COMMIT"."""
    updates: list[list[str]] = []
    current: list[str] | None = None

    writers: set[int] = set()  # connections with a counted write not yet committed

    def committed(conn: Any) -> None:
        if current is not None and id(conn.connection.dbapi_connection) in writers:
            current.append("COMMIT")
            writers.discard(id(conn.connection.dbapi_connection))

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal current
        if conn.engine is checks:
            return
        if statement.startswith("UPDATE inbox_update") and CLAIM in statement:
            current = []
        if current is None or "notification" in statement:  # the outbox sender's, beside the bot
            return
        if "inbox_update" in statement and CLAIM not in statement and CLOSE not in statement:
            return  # storing and dispatching the next batch, beside this update
        current.append(" ".join(statement.split())[:120])
        if not statement.startswith("SELECT"):
            writers.add(id(conn.connection.dbapi_connection))
        if statement.startswith("UPDATE inbox_update") and CLOSE in statement:
            updates.append(current)
            current = None

    event.listen(Engine, "before_cursor_execute", seen)
    event.listen(Engine, "commit", committed)
    try:
        yield updates
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
        event.remove(Engine, "commit", committed)


async def handled(bot_db: Any, count: int) -> None:
    async def closed() -> bool:
        async with bot_db() as session:
            rows = (await session.exec(select(InboxUpdate.status))).all()
        return sum(status != InboxStatus.PENDING for status in rows) >= count

    await wait_until(closed, what=f"{count} updates handled")


async def test_a_progress_reply_and_presses_cost_a_few_statements(
    running_bot: RunningBot, bot_db: Any, client: Any
) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    async with bot_db() as session:
        done_before = len((await session.exec(select(InboxUpdate.update_id))).all())
    with handled_statements(bot_db.kw["bind"].sync_engine) as updates:
        reply = await client.send(HUNG, "3/12", reply_to=card["message"]["message_id"])
        await client.wait(HUNG, after=reply["seq"])
        await handled(bot_db, done_before + 1)
        # The card still shows the version before the reply, but the reply was the caller's own:
        # the press opens the menu on that card all the same (issue: a reply spoiled the next press).
        own = await client.press(HUNG, card["message"]["message_id"], data=buttons(card)[PROGRESS])
        await client.wait(HUNG, after=own["seq"])
        await handled(bot_db, done_before + 2)
        new_card = (await say(client, HUNG, "/task 1"))[0]
        await handled(bot_db, done_before + 3)
        menu = await client.press(HUNG, new_card["message"]["message_id"], data=buttons(new_card)[PROGRESS])
        await client.wait(HUNG, after=menu["seq"])
        await handled(bot_db, done_before + 4)
    progress, own_press, _card, press = (len([s for s in u if s != "COMMIT"]) for u in updates)
    commits = [u.count("COMMIT") for u in updates]
    # A reply: who, which card, the task, seen before?, the change and its history line; a press
    # over one's own change: who, the task, its card (lead, cooperating, received, reported), who
    # changed it since; a fresh press: who, the task, its card. Plus the claim and the close.
    assert (progress, own_press, press) == (8, 9, 8), "\n".join(updates[1])
    # The inbox's claim and close are single statements in autocommit: only the handler's own
    # writes commit (the change and its history line; nothing; the new card's record; nothing).
    assert (commits[0], commits[1], commits[3]) == (1, 0, 0), updates


async def test_a_read_on_postgresql_sends_no_begin_and_no_rollback(engine: Any) -> None:
    """A handler's reads (Services.read) run in autocommit on PostgreSQL: each statement is its
    own transaction (no BEGIN before, no ROLLBACK after); on SQLite a SELECT opens no transaction
    anyway, and the reader is the usual session."""
    reader = read_session_factory(engine)
    if engine.dialect.name != "postgresql":
        assert reader.kw["bind"] is engine
        return

    async def transactions(factory: Any) -> int:
        """How many transactions two statements of one session ran in."""
        async with factory() as session:
            first = (await session.exec(text("SELECT transaction_timestamp()"))).one()[0]
            await session.exec(text("SELECT pg_sleep(0.01)"))
            second = (await session.exec(text("SELECT transaction_timestamp()"))).one()[0]
        return 1 if first == second else 2

    assert await transactions(reader) == 2
    assert await transactions(session_factory(engine)) == 1  # the ordinary session: BEGIN first
