"""/baocao end to end: a leader gets the month's .docx, an official the refusal, a bad month the usage;
its numbers are /status's and the digest's for the same day."""

from __future__ import annotations

import base64
import io
import re
from typing import Any

from docx import Document
from openpyxl import load_workbook

from domain import people_texts
from domain.report import texts
from emulator.client import EmulatorClient
from tests.conftest import RunningBot
from tests.district import ADMIN, LEADER, NOW, seed_district
from tests.factories import say
from tests.test_tasks_e2e import press


async def test_leader_gets_the_monthly_report(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    running_bot.clock.set(NOW)
    district = await seed_district(bot_db)
    official = district.officials["Xã Long Hiệp"]
    for user in (LEADER, official):
        await say(client, user, "/start")
    sent = await client.send(LEADER, "/baocao")
    message = (await client.wait(LEADER, after=sent["seq"], timeout=30))[0]["message"]
    document = message["document"]
    assert document["file_name"] == "bao-cao-thang-11-2026.docx"
    assert message["caption"].startswith("Dự thảo báo cáo tháng 11/2026: 48 nhiệm vụ")
    data = base64.b64decode((await client.call("file", file_id=document["file_id"]))["data_b64"])
    report = Document(io.BytesIO(data))
    texts_ = [p.text for p in report.paragraphs]
    assert "BÁO CÁO" in texts_
    assert any(t.startswith("Trong tháng, Tỉnh Demo theo dõi 48 nhiệm vụ") for t in texts_)
    assert len(report.tables[-1].rows) == 1 + 48

    refused = (await say(client, official, "/baocao"))[0]["message"]
    assert refused["text"] == people_texts.not_allowed() and "document" not in refused
    usage = (await say(client, LEADER, "/baocao 13/2026"))[0]["message"]
    assert usage["text"] == texts.no_such_month(13)


async def _file(client: EmulatorClient, record: dict[str, Any]) -> bytes:
    file_id = record["message"]["document"]["file_id"]
    return base64.b64decode((await client.call("file", file_id=file_id))["data_b64"])


async def _finish(client: EmulatorClient, official: int, task_id: int) -> None:
    """The official reports the task done on its card; the office confirms on its notice."""
    sent = await client.send(official, f"/task {task_id}")
    replies = await client.wait(official, after=sent["seq"], timeout=20)

    def card_in(records: list[dict[str, Any]]) -> dict[str, Any] | None:
        return next((r for r in records if "✅ Hoàn thành" in str(r["message"].get("reply_markup"))), None)

    while card_in(replies) is None:  # the office's word on the last task may reach the chat first
        replies += await client.wait(official, after=replies[-1]["seq"], timeout=20)
    card = card_in(replies)
    assert card is not None
    await press(client, official, card, "✅ Hoàn thành")
    notice = next(
        (r for r in await client.records(ADMIN) if f"#{task_id}" in (r["message"].get("text") or "")), None
    )
    while notice is None or "✔️ Xác nhận hoàn thành" not in str(notice["message"].get("reply_markup")):
        notice = (await client.wait(ADMIN, after=(await client.records(ADMIN))[-1]["seq"], timeout=20))[0]
    await press(client, ADMIN, notice, "✔️ Xác nhận hoàn thành")


async def test_report_numbers_are_those_of_status_and_the_digest(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    """A month of work on a seeded district, two completions through the cards today; then
    /status, /digest and /baocao on the same day count the same tasks the same way."""
    running_bot.clock.set(NOW)
    district = await seed_district(bot_db)
    official = district.officials["Xã Long Hiệp"]
    for user in (LEADER, ADMIN, *district.officials.values()):
        await say(client, user, "/start")
    await _finish(client, official, 3)  # in progress, due in 5 days: done on time
    await _finish(client, official, 5)  # in progress, 3 days overdue: done late

    status = (await say(client, LEADER, "/status"))[0]["message"]["text"]
    by_status = {
        m[1]: [int(n) for n in m.groups()[1:]]
        for m in re.finditer(r"^\S+ (.+?): Đ (\d+) · ĐQ (\d+) · T (\d+) · Q (\d+)", status, re.M)
    }
    sent = await client.send(LEADER, "/digest")
    digest = await client.wait(LEADER, after=sent["seq"], count=3, timeout=30)
    digest_text = digest[0]["message"]["text"]
    book = load_workbook(
        io.BytesIO(await _file(client, next(r for r in digest if "document" in r["message"])))
    )
    by_digest = {
        row[1]: list(row[3:7])
        for row in book["Tổng hợp"].iter_rows(min_row=5, values_only=True)
        if isinstance(row[0], int)
    }
    sent = await client.send(LEADER, "/baocao")
    report = Document(
        io.BytesIO(await _file(client, (await client.wait(LEADER, after=sent["seq"], timeout=30))[0]))
    )
    table = next(t for t in report.tables if t.rows[0].cells[0].text == "Đơn vị chủ trì")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    by_report = {row[0]: [int(cell.split()[0]) for cell in row[2:6]] for row in rows}
    totals = by_report.pop("Tổng cộng")

    assert by_status["Xã Long Hiệp"] == [3, 3, 7, 3]  # the two completions counted
    assert by_report == by_status == by_digest
    assert totals == [sum(c[i] for c in by_status.values()) for i in range(4)]
    assert (
        f"Toàn bộ: {totals[0]} hoàn thành đúng hạn, {totals[1]} hoàn thành quá hạn, "
        f"{totals[2]} đang thực hiện trong hạn, {totals[3]} quá hạn chưa hoàn thành." in digest_text
    )
    assert f"Quá hạn theo đơn vị ({totals[3]})" in digest_text
    texts_ = [p.text for p in report.paragraphs]
    assert f"2. Nhiệm vụ quá hạn chưa hoàn thành ({totals[3]})" in texts_
    assert any(t.startswith(f"Trong tháng, Tỉnh Demo theo dõi {sum(totals)} nhiệm vụ") for t in texts_)
