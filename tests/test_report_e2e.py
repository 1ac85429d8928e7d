"""/baocao end to end: a leader gets the month's .docx, an official the refusal, a bad month the usage."""

from __future__ import annotations

import base64
import io

from docx import Document

from domain import people_texts
from domain.report import texts
from emulator.client import EmulatorClient
from tests.conftest import RunningBot
from tests.district import LEADER, NOW, seed_district
from tests.factories import say


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
    assert usage["text"] == texts.USAGE
