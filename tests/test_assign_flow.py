"""/assign end to end: nothing is written before ✅, units are counted once, and the ⚙️ options."""

from __future__ import annotations

from sqlmodel import col, select

from emulator.client import EmulatorClient
from storage.models import Directive, Task, TaskOfficial, TaskUnit, Unit
from tests.conftest import RunningBot
from tests.factories import add_official, say
from tests.test_tasks_e2e import ADMIN, buttons, press, world


async def _to_title(client: EmulatorClient, directive: str) -> dict:
    start = (await say(client, ADMIN, "/assign"))[0]
    await press(client, ADMIN, start, "📄 Văn bản mới")
    return (await say(client, ADMIN, directive))[0]


async def test_junk_directive_is_refused_and_a_cancelled_one_leaves_no_trace(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await world(bot_db, client)
    answer = await _to_title(client, "Báo cáo tổng kết năm 2026")
    assert "chưa phải số hiệu văn bản" in answer["message"]["text"]
    answer = (await say(client, ADMIN, "3022-CV/TU"))[0]
    assert "Chưa có ngày ban hành" in answer["message"]["text"]
    answer = (await say(client, ADMIN, "3022-CV/TU; 03/05/2024; Tăng cường"))[0]
    assert "Bước 2/5" in answer["message"]["text"]
    assert "Đã hủy" in (await say(client, ADMIN, "/huy"))[0]["message"]["text"]

    async with bot_db() as session:
        assert (await session.exec(select(Directive))).all() == []
    again = (await say(client, ADMIN, "/assign"))[0]
    assert set(buttons(again)) == {"📄 Văn bản mới", "Không thuộc văn bản"}


async def test_cooperating_units_once_and_the_options(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await world(bot_db, client)
    await _to_title(client, "15/TB-UBND; 20/11/2026; Kết luận giao ban")
    await say(client, ADMIN, "Xóa nhà tạm cho hộ nghèo")
    await say(client, ADMIN, "long hiep")
    unclear = (await say(client, ADMIN, "long huu, xa khong co dau"))[0]["message"]["text"]
    assert "Đã thêm phối hợp: Xã Long Hựu" in unclear and "xa khong co dau" in unclear
    # Retyping the whole list (with the lead unit in it) adds nothing twice.
    await say(client, ADMIN, "long huu, long hiep")
    review = (await say(client, ADMIN, "30/12"))[0]
    text = review["message"]["text"]
    assert "Phối hợp: Xã Long Hựu\n" in text and "Văn bản: 15/TB-UBND" in text

    await press(client, ADMIN, review, "⚙️ Chỉ tiêu")
    assert "chưa phải chỉ tiêu" in (await say(client, ADMIN, "nhiều căn"))[0]["message"]["text"]
    review = (await say(client, ADMIN, "12 căn"))[0]
    await press(client, ADMIN, review, "⚙️ Lặp lại")
    review = (await say(client, ADMIN, "hang thang"))[0]
    await press(client, ADMIN, review, "⚙️ Cán bộ")
    review = (await say(client, ADMIN, "nguyen van hung"))[0]
    review = (await press(client, ADMIN, review, "☑️ Cần xác nhận: Có"))[0]
    text = review["message"]["text"]
    assert "Chỉ tiêu: 12 căn" in text and "Lặp lại: hằng tháng" in text
    assert "Cán bộ được giao: Nguyễn Văn Hùng" in text and "không cần xác nhận" in text
    await press(client, ADMIN, review, "✅ Giao việc")

    async with bot_db() as session:
        task = (await session.exec(select(Task))).one()
        coop = (await session.exec(select(TaskUnit.unit_id))).all()
        named = (await session.exec(select(TaskOfficial.official_id))).all()
        directive = (
            await session.exec(select(Directive).where(col(Directive.id) == task.directive_id))
        ).one()
    assert (task.target_quantity, task.target_measure, task.recurrence) == (12, "căn", "monthly")
    assert task.needs_confirmation is False and len(coop) == 1 and len(named) == 1
    assert directive.number == "15/TB-UBND"


async def test_unknown_official_name_is_asked_again(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await world(bot_db, client)
    start = (await say(client, ADMIN, "/assign"))[0]
    await press(client, ADMIN, start, "Không thuộc văn bản")
    await say(client, ADMIN, "Rà soát hộ nghèo")
    await say(client, ADMIN, "long hiep")
    coop = (await client.records(ADMIN))[-1]
    await press(client, ADMIN, coop, "Bỏ qua")
    review = (await say(client, ADMIN, "30/12"))[0]
    assert "Văn bản: không thuộc văn bản" in review["message"]["text"]
    await press(client, ADMIN, review, "⚙️ Cán bộ")
    answer = (await say(client, ADMIN, "Pham Thi Khong Co"))[0]["message"]["text"]
    assert "Không tìm thấy cán bộ" in answer


async def test_a_directive_typed_at_the_first_step_is_taken(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    """Step 1 offers buttons, but typing `số hiệu; ngày; trích yếu` there (as the README and the
    question say) is the same as 📄 Văn bản mới, not a message the bot does not understand."""
    await world(bot_db, client)
    await say(client, ADMIN, "/assign")
    answer = (await say(client, ADMIN, "3022-CV/TU; 03/05/2024; Tăng cường"))[0]
    assert "Bước 2/5" in answer["message"]["text"]
    answer = (await say(client, ADMIN, "/huy"))[0]
    assert "Đã hủy" in answer["message"]["text"]


async def test_none_typed_as_officials_type_it(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    """'khong' to the cooperating units and 'khong co han' to the deadline do what the buttons do."""
    await world(bot_db, client)
    await _to_title(client, "15/TB-UBND; 20/11/2026; Kết luận giao ban")
    await say(client, ADMIN, "Rà soát hộ cận nghèo")
    await say(client, ADMIN, "long hiep")
    asked = (await say(client, ADMIN, "khong"))[0]["message"]["text"]
    assert asked.startswith("Bước 5/5")  # not "Không tìm thấy đơn vị «khong»"
    review = (await say(client, ADMIN, "Không có hạn"))[0]["message"]["text"]
    assert "Hạn: không có hạn cụ thể" in review and "Phối hợp" not in review


async def test_an_official_named_by_the_given_name(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    """'hung' is Nguyễn Văn Hùng while he is the only Hùng of the task's units; with two, the bot
    names both and asks for the full name."""
    await world(bot_db, client)
    async with bot_db() as session:
        huu = (await session.exec(select(Unit).where(Unit.name == "Xã Long Hựu"))).one()
    await add_official(bot_db, "Trần Văn Hùng", unit=huu)
    await _to_title(client, "15/TB-UBND; 20/11/2026; Kết luận giao ban")
    await say(client, ADMIN, "Rà soát hộ cận nghèo")
    await say(client, ADMIN, "long hiep")
    await say(client, ADMIN, "khong")
    review = (await say(client, ADMIN, "30/12"))[0]
    await press(client, ADMIN, review, "⚙️ Cán bộ")
    review_text = (await say(client, ADMIN, "hung"))[0]["message"]["text"]
    assert "Cán bộ được giao: Nguyễn Văn Hùng" in review_text, review_text
    await press(client, ADMIN, (await client.records(ADMIN))[-1], "✖️ Hủy")

    await _to_title(client, "15/TB-UBND; 20/11/2026; Kết luận giao ban")
    await say(client, ADMIN, "Rà soát hộ cận nghèo")
    await say(client, ADMIN, "long hiep")
    await say(client, ADMIN, "long huu")
    review = (await say(client, ADMIN, "30/12"))[0]
    await press(client, ADMIN, review, "⚙️ Cán bộ")
    asked = (await say(client, ADMIN, "hung"))[0]["message"]["text"]
    assert asked.startswith("Có 2 cán bộ tên «hung»: Nguyễn Văn Hùng, Trần Văn Hùng")
