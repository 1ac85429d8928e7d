"""Xóa nhà tạm through the emulator: photos with EXIF, stages, duplicate flags, refusals, progress."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlmodel import col, select

from domain.programmes import XOA_NHA_TAM
from domain.statuses import Role, UnitKind
from emulator.client import EmulatorClient
from storage import households
from storage.models import Household, Photo
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, register_group, say, wait_processed
from tests.test_tasks_e2e import buttons, mark

HUNG, LEADER, ADMIN, STRANGER = 9401, 9402, 9403, 9404
GROUP = -1_009_400_000_001
NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def picture(seed: int, *, exif: bool = False) -> bytes:
    """A textured JPEG; with EXIF capture time 20/11/2026 09:15 and GPS, as a phone writes them."""
    image = Image.effect_noise((320, 240), 40 + seed).convert("RGB")
    for x in range(0, 320, 40):  # stripes: a structure the perceptual hash can see
        image.paste((seed * 37 % 255, 80, 160), (x, 0, x + 10 + seed, 240))
    out = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags.get_ifd(0x8769)[0x9003] = "2026:11:20 09:15:00"
        gps = tags.get_ifd(0x8825)
        gps[1], gps[2], gps[3], gps[4] = "N", (10.0, 45.0, 30.0), "E", (106.0, 40.0, 12.0)
        image.save(out, "JPEG", exif=tags, quality=90)
    else:
        image.save(out, "JPEG", quality=90)
    return out.getvalue()


async def world(bot_db, client: EmulatorClient) -> dict[str, int]:
    province = await add_unit(bot_db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    commune = await add_unit(bot_db, "Xã Long Hiệp", parent_id=province.id)
    other = await add_unit(bot_db, "Xã Long Hựu", parent_id=province.id)
    await add_official(bot_db, "Nguyễn Văn Hùng", unit=commune, telegram_user_id=HUNG)
    await add_official(bot_db, "Trần Văn Minh", unit=province, role=Role.LEADER, telegram_user_id=LEADER)
    await add_official(bot_db, "Lê Thị Thảo", unit=province, role=Role.ADMIN, telegram_user_id=ADMIN)
    ids = {}
    async with bot_db.begin() as session:
        for name, hamlet, unit, track, kind, stage in (
            ("Nguyễn Văn A", "Ấp 3", commune, "phong_trao", "xay_moi", "dang_thi_cong"),
            ("Trần Thị B", "Ấp 1", commune, "nguoi_co_cong", "sua_chua", "chua_khoi_cong"),
            ("Lê Văn C", "Ấp 2", commune, "phong_trao", "xay_moi", "hoan_thanh"),
            ("Võ Văn D", "Ấp 5", other, "giam_ngheo", "xay_moi", "chua_khoi_cong"),
        ):
            household = await households.add_household(
                session,
                programme=XOA_NHA_TAM,
                unit_id=unit.id,
                head_name=name,
                hamlet=hamlet,
                track=track,
                work_kind=kind,
                stage=stage,
                funds={"trung_uong": 40_000_000, "van_dong": 20_000_000},
                transferred=30_000_000,
                now=NOW,
            )
            ids[name] = household.id
    for user in (HUNG, LEADER, ADMIN):
        await say(client, user, "/start")
    await client.group("Lãnh đạo tỉnh", chat_id=GROUP)
    await register_group(bot_db, GROUP, "Lãnh đạo tỉnh")
    async with bot_db.begin() as session:
        from storage.models import Chat

        chat = (await session.exec(select(Chat))).one()
        chat.receives_digest = True
    return ids


async def test_handover_photo_with_exif_and_a_reused_picture_is_flagged(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    ids = await world(bot_db, client)
    evidence = picture(1, exif=True)
    group_mark = await mark(client, GROUP)
    sent = await client.document(
        HUNG, evidence, "IMG_2031.jpg", mime_type="image/jpeg", caption="bàn giao nhà hộ Nguyễn Văn A"
    )
    reply = (await client.wait(HUNG, after=sent["seq"]))[0]["message"]["text"]
    assert reply.startswith("🏠 Hộ Nguyễn Văn A, Ấp 3, Xã Long Hiệp")
    assert "Giai đoạn: Đã bàn giao từ ngày 20/11/2026." in reply
    assert "chụp lúc 09:15 20/11/2026, có vị trí GPS" in reply

    async with bot_db() as session:
        house = await session.get(Household, ids["Nguyễn Văn A"])
        photo = (await session.exec(select(Photo))).one()
    assert house.stage == "da_ban_giao" and house.stage_on == dt.date(2026, 11, 20)
    digest = hashlib.sha256(evidence).hexdigest()
    assert photo.sha256 == digest and Path(photo.path).name == digest
    assert Path(photo.path).read_bytes() == evidence and photo.size_bytes == len(evidence)
    assert photo.taken_at == dt.datetime(2026, 11, 20, 2, 15, tzinfo=dt.UTC)  # 09:15 in Hanoi
    assert photo.gps_lat == pytest.approx(10.758333, abs=1e-5) and photo.gps_lon == pytest.approx(
        106.67, abs=1e-4
    )
    assert house.gps_lat == photo.gps_lat and photo.file_unique_id and photo.duplicate_of_id is None

    news = (await client.wait(GROUP, after=group_mark))[0]["message"]["text"]
    assert news == "🏠 Bàn giao nhà hộ Nguyễn Văn A, Ấp 3, Xã Long Hiệp, ngày 20/11/2026."

    # The same picture, now claimed for Trần Thị B: kept, but flagged for the office.
    admin_mark = await mark(client, ADMIN)
    sent = await client.photo(HUNG, evidence, caption="hoàn thành nhà hộ Trần Thị B")
    replies = await client.wait(HUNG, after=sent["seq"], count=2)
    texts = [r["message"]["text"] for r in replies]
    assert any(t.startswith("⚠️ Ảnh này trùng với ảnh đã dùng cho hộ Nguyễn Văn A.") for t in texts)
    office = (await client.wait(ADMIN, after=admin_mark))[0]["message"]["text"]
    assert office.startswith(
        "⚠️ Ảnh minh chứng của hộ Trần Thị B (Xã Long Hiệp) trùng với ảnh của hộ Nguyễn Văn A."
    )
    async with bot_db() as session:
        flagged = (await session.exec(select(Photo).where(col(Photo.duplicate_of_id).is_not(None)))).all()
    assert len(flagged) == 1 and flagged[0].household_id == ids["Trần Thị B"]


async def test_photo_without_caption_asks_which_household_and_stage(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    ids = await world(bot_db, client)
    sent = await client.photo(HUNG, picture(2))
    replies = await client.wait(HUNG, after=sent["seq"], count=2)
    question = next(r for r in replies if "hộ nào" in r["message"]["text"])
    tip = next(r for r in replies if r["message"]["text"].startswith("💡 Mẹo"))
    assert "dạng tệp" in tip["message"]["text"]
    assert set(buttons(question)) == {"Nguyễn Văn A — Ấp 3", "Trần Thị B — Ấp 1", "Lê Văn C — Ấp 2", "✖️ Hủy"}
    pressed = await client.press(
        HUNG, question["message"]["message_id"], data=buttons(question)["Trần Thị B — Ấp 1"]
    )
    stage_question = (await client.wait(HUNG, after=pressed["seq"]))[0]
    assert stage_question["message"]["text"] == "Ảnh của hộ Trần Thị B cho thấy giai đoạn nào?"
    assert list(buttons(stage_question)) == ["Đang thi công", "Hoàn thành", "Đã bàn giao", "✖️ Hủy"]
    pressed = await client.press(
        HUNG, stage_question["message"]["message_id"], data=buttons(stage_question)["Đang thi công"]
    )
    done = (await client.wait(HUNG, after=pressed["seq"]))[0]
    assert "Giai đoạn: Đang thi công từ ngày 23/11/2026." in done["message"]["text"]
    # A location replying to the household's message is where the house stands.
    sent = await client.call(
        "location",
        user_id=HUNG,
        latitude=10.5,
        longitude=106.5,
        reply_to_message_id=done["message"]["message_id"],
    )
    assert (await client.wait(HUNG, after=sent["seq"]))[0]["message"][
        "text"
    ] == "📍 Đã lưu vị trí nhà hộ Trần Thị B."
    # The tip about sending as a file comes once only.
    sent = await client.photo(HUNG, picture(3), caption="thi công nhà hộ tran thi b")
    await client.wait(HUNG, after=sent["seq"])
    await wait_processed(bot_db, sent["update_id"])
    later = [r["message"]["text"] for r in await client.records(HUNG, after=sent["seq"])]
    assert not any(t.startswith("💡") for t in later)
    async with bot_db() as session:
        house = await session.get(Household, ids["Trần Thị B"])
    assert house.stage == "dang_thi_cong" and (house.gps_lat, house.gps_lon) == (10.5, 106.5)


async def test_an_album_follows_its_first_photo(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    ids = await world(bot_db, client)
    first = await client.photo(
        HUNG, picture(5), caption="hoàn thành nhà hộ Lê Văn C", media_group_id="album-1"
    )
    await client.photo(HUNG, picture(6), media_group_id="album-1")
    last = await client.photo(HUNG, picture(7), media_group_id="album-1")
    await wait_processed(bot_db, last["update_id"])
    async with bot_db() as session:
        album = (await session.exec(select(Photo).where(Photo.media_group_id == "album-1"))).all()
    assert len(album) == 3 and {p.household_id for p in album} == {ids["Lê Văn C"]}
    replies = [r for r in await client.records(HUNG, after=first["seq"]) if r["kind"] == "send"]
    assert sum(r["message"]["text"].startswith("🏠 Hộ Lê Văn C") for r in replies) == 1  # one answer


async def test_refusals_write_nothing(running_bot: RunningBot, bot_db, client: EmulatorClient) -> None:
    await world(bot_db, client)
    pdf = b"%PDF-1.4\n" + b"0" * 2000
    # Named and typed as a photo, but not one: the content decides (a .pdf is the office's directive intake).
    sent = await client.document(
        HUNG, pdf, "IMG_2040.jpg", mime_type="image/jpeg", caption="bàn giao hộ Nguyễn Văn A"
    )
    assert (await client.wait(HUNG, after=sent["seq"]))[0]["message"]["text"].startswith(
        "Tệp gửi lên không phải là ảnh hợp lệ"
    )
    big = b"\xff\xd8\xff" + bytes(21 * 1024 * 1024)
    sent = await client.document(HUNG, big, "to.jpg", mime_type="image/jpeg")
    assert (await client.wait(HUNG, after=sent["seq"]))[0]["message"]["text"] == (
        "Ảnh quá lớn (tối đa 20 MB). Hãy gửi ảnh nhỏ hơn."
    )
    sent = await client.photo(STRANGER, picture(4), caption="bàn giao hộ Nguyễn Văn A")
    assert (await client.wait(STRANGER, after=sent["seq"]))[0]["message"]["text"].startswith(
        "Đồng chí chưa được cấp quyền"
    )
    async with bot_db() as session:
        assert (await session.exec(select(Photo))).all() == []
        house = (await session.exec(select(Household).where(Household.head_name == "Nguyễn Văn A"))).one()
    assert house.stage == "dang_thi_cong"
    assert list(running_bot.settings.data_dir.glob("photos/*/*")) == []  # no file kept either


async def test_adding_a_household_in_the_bot(running_bot: RunningBot, bot_db, client: EmulatorClient) -> None:
    await world(bot_db, client)
    added = (await say(client, HUNG, "/addhouse Đỗ Văn E; Ấp 4; gia dinh nguoi co cong; sửa chữa"))[0]
    assert added["message"]["text"].startswith("Đã thêm hộ Đỗ Văn E (Xã Long Hiệp) vào danh sách.")
    wrong = (await say(client, HUNG, "/addhouse Đỗ Văn F; Ấp 4; diện lạ"))[0]["message"]["text"]
    assert wrong.startswith("Diện hỗ trợ «diện lạ» không hợp lệ; chọn một trong: Gia đình người có công;")
    other = (await say(client, HUNG, "/addhouse Đỗ Văn G; Ấp 1; hộ nghèo; sửa; long huu"))[0]["message"][
        "text"
    ]
    assert other == "Đồng chí chỉ xem được dữ liệu của đơn vị mình."
    async with bot_db() as session:
        house = (await session.exec(select(Household).where(Household.head_name == "Đỗ Văn E"))).one()
    assert (house.hamlet, house.track, house.work_kind, house.stage) == (
        "Ấp 4",
        "nguoi_co_cong",
        "sua_chua",
        "chua_khoi_cong",
    )


async def test_progress_and_export(running_bot: RunningBot, bot_db, client: EmulatorClient) -> None:
    await world(bot_db, client)
    detail = (await say(client, HUNG, "/houses"))[0]["message"]["text"]
    assert "Xóa nhà tạm, nhà dột nát — Xã Long Hiệp" in detail and "Kế hoạch: 3 căn" in detail
    assert "Đang thi công: 1 (33,33%)" in detail and "Hoàn thành: 1 (33,33%)" in detail
    assert "Đã khởi công (lũy kế): 2 (66,67%)" in detail
    assert "Đã bàn giao: 0 (0%)" in detail
    assert "cam kết 180.000.000 đ, đã giải ngân 90.000.000 đ (50%)" in detail
    # 3 houses in 27 working days: one every 9, not "0,2 căn/ngày" (0,11 rounded up)
    assert "cần 1 căn mỗi 9 ngày làm việc (27 ngày" in detail
    refused = (await say(client, HUNG, "/houses long huu"))[0]["message"]["text"]
    assert refused == "Đồng chí chỉ xem được dữ liệu của đơn vị mình."
    overview = (await say(client, LEADER, "/houses"))[0]["message"]["text"]
    assert "• Xã Long Hiệp: 0/3 đã bàn giao (0%)" in overview and "• Xã Long Hựu: 0/1" in overview
    document = (await say(client, LEADER, "/exporthouses"))[0]["message"]["document"]
    data = await client.call("file", file_id=document["file_id"])
    import base64

    sheet = load_workbook(io.BytesIO(base64.b64decode(data["data_b64"]))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4 and {r[2] for r in rows} == {"Nguyễn Văn A", "Trần Thị B", "Lê Văn C", "Võ Văn D"}
    assert next(r for r in rows if r[2] == "Lê Văn C")[5] == "Hoàn thành"
