"""The office's command line: no bot token needed, templates whose samples are never imported,
dry runs, missing columns named, empty titles and past meetings refused (issues 10.13, 11.4, 11.13,
11.14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from tests.factories import csv_bytes

PLACEHOLDER_TOKEN = "dien-ma-bot-vao-day"  # what an office leaves in .env before it has a bot


def _sample_rows_as_csv(template: Path, target: Path) -> None:
    """What an office does with a template: the header, then rows like the samples on «Mẫu»."""
    sample = load_workbook(template)["Mẫu"]
    target.write_bytes(csv_bytes([[str(c or "") for c in row] for row in sample.iter_rows(values_only=True)]))


@pytest.mark.parametrize("token", [None, PLACEHOLDER_TOKEN])
def test_office_commands_work_without_a_bot_token(
    seeded_cli: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], token: str | None
) -> None:
    if token:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    tmp = seeded_cli
    assert main(["units", "template", "dv.xlsx"]) == 0
    _sample_rows_as_csv(tmp / "dv.xlsx", tmp / "dv.csv")
    assert main(["units", "import", "dv.csv"]) == 0
    assert main(["units", "list"]) == 0
    assert main(["officials", "template", "cb.xlsx"]) == 0
    _sample_rows_as_csv(tmp / "cb.xlsx", tmp / "cb.csv")
    assert main(["officials", "import", "cb.csv"]) == 0
    assert (
        main(["officials", "add", "--name", "Võ Văn E", "--unit", "long chu", "--phone", "0912000009"]) == 0
    )
    assert main(["officials", "edit", "4", "--title", "Công chức"]) == 0
    assert main(["officials", "list"]) == 0
    assert main(["tasks", "add", "--title", "Xóa nhà tạm", "--unit", "long chu", "--due", "31/12/2099"]) == 0
    assert main(["tasks", "list"]) == 0
    assert main(["households", "add", "--unit", "long chu", "--name", "Nguyễn Văn A"]) in (0, 1)
    assert main(["households", "list"]) == 0
    assert main(["meetings", "add", "--title", "Giao ban", "--at", "25/05/2099 08:00"]) == 0
    assert main(["meetings", "list"]) == 0
    captured = capsys.readouterr()
    assert "configuration error" not in captured.err and "Traceback" not in captured.err
    assert "Võ Văn E\tXã Long Chữ\tcán bộ\tchưa kích hoạt" in captured.out  # roles in Vietnamese


def test_the_bot_itself_still_refuses_a_placeholder_token(
    seeded_cli: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", PLACEHOLDER_TOKEN)
    assert main(["run"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("noun", "header"),
    [
        ("units", "Tên đơn vị"),
        ("officials", "Họ và tên"),
        ("tasks", "Số văn bản"),
        ("households", "Xã/phường"),
    ],
)
def test_templates_keep_their_samples_apart_and_are_never_overwritten(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str], noun: str, header: str
) -> None:
    path = seeded_cli / f"{noun}.xlsx"
    assert main([noun, "template", str(path)]) == 0
    book = load_workbook(path)
    assert book.sheetnames[1] == "Mẫu" and book.worksheets[0].max_row == 1  # headers only
    assert book.worksheets[0]["A1"].value == header and book["Mẫu"].max_row >= 2
    capsys.readouterr()
    # Importing the template as written creates nothing: the samples are not data.
    assert main([noun, "import", str(path)]) == 0
    assert "thêm mới: 0, cập nhật: 0, dòng lỗi: 0" in capsys.readouterr().out
    path.write_bytes(b"the office's own list")
    assert main([noun, "template", str(path)]) == 1
    assert "đã có" in capsys.readouterr().err and path.read_bytes() == b"the office's own list"
    assert main([noun, "template", str(path), "--force"]) == 0
    assert load_workbook(path).sheetnames[1] == "Mẫu"


def test_import_dry_runs_write_nothing(seeded_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (seeded_cli / "dv.csv").write_bytes(
        csv_bytes([["Tên đơn vị", "Loại", "Đơn vị cấp trên"], ["Đảng ủy xã Long Chữ", "Đảng ủy", "long chu"]])
    )
    (seeded_cli / "nv.csv").write_bytes(
        csv_bytes([["Nhiệm vụ", "Đơn vị chủ trì", "Hạn"], ["Rà soát hộ nghèo", "long chu", "30/12/2099"]])
    )
    assert main(["units", "import", "dv.csv", "--dry-run"]) == 0
    assert main(["tasks", "import", "nv.csv", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("sẽ thêm mới: 1") == 2 and out.count("chưa ghi gì") == 2
    assert main(["units", "list"]) == 0 and main(["tasks", "list"]) == 0
    listed = capsys.readouterr().out
    assert "Đảng ủy xã Long Chữ" not in listed and "Rà soát" not in listed
    assert main(["units", "import", "dv.csv"]) == 0  # for real: a kind offices have is accepted
    assert "thêm mới: 1" in capsys.readouterr().out


def test_a_missing_column_is_named_not_every_row(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (seeded_cli / "nv.csv").write_bytes(
        csv_bytes(
            [["Tên công việc", "Đơn vị chủ trì"], ["Rà soát hộ nghèo", "long chu"], ["Họp dân", "long chu"]]
        )
    )
    assert main(["tasks", "import", "nv.csv"]) == 1
    err = capsys.readouterr()
    assert "thiếu cột «Nhiệm vụ»" in err.err and "dòng 2" not in err.out + err.err
    (seeded_cli / "dv.csv").write_bytes(csv_bytes([["Đơn vị", "Cấp trên"], ["Phòng Kinh tế", "long chu"]]))
    assert main(["units", "import", "dv.csv"]) == 1
    assert "thiếu cột «Loại»" in capsys.readouterr().err
    (seeded_cli / "cb.csv").write_bytes(csv_bytes([["Tên cán bộ", "Đơn vị"], ["Lê Văn Tư", "long chu"]]))
    assert main(["officials", "import", "cb.csv"]) == 1
    assert "thiếu cột «Họ và tên»" in capsys.readouterr().err
    (seeded_cli / "ho.csv").write_bytes(csv_bytes([["Xã", "Tên hộ"], ["long chu", "Nguyễn Văn A"]]))
    assert main(["households", "import", "ho.csv"]) == 1
    assert "thiếu cột «Họ tên chủ hộ»" in capsys.readouterr().err


def test_empty_title_past_meeting_and_missing_file_are_refused_in_vietnamese(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for title in ("", "   "):
        assert main(["tasks", "add", "--title", title, "--unit", "long chu"]) == 1
        assert "Thiếu tên nhiệm vụ" in capsys.readouterr().err
    assert main(["meetings", "add", "--title", "Giao ban", "--at", "25/05/2020 08:00"]) == 1
    assert "đã qua" in capsys.readouterr().err
    assert main(["meetings", "add", "--title", " ", "--at", "25/05/2099 08:00"]) == 1
    assert "Thiếu tên cuộc họp" in capsys.readouterr().err
    item = "Báo cáo tiến độ xóa nhà tạm|long chu"
    assert main(["meetings", "add", "--title", "Hội nghị", "--at", "25/05/2099 08:00", "--item", item]) == 0
    assert main(["meetings", "list"]) == 0
    out = capsys.readouterr().out
    assert "#1\t08:00 Thứ Hai, 25/05/2099\tdự kiến\tHội nghị" in out
    assert "Báo cáo tiến độ xóa nhà tạm (chuẩn bị: Xã Long Chữ)" in out
    for argv in (["units", "import", "khong-co.xlsx"], ["tasks", "import", "khong-co.csv"]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "Không tìm thấy tệp «khong-co." in err and "No such file" not in err


def test_an_unclear_unit_on_the_command_line_names_the_provinces(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["units", "seed", "--province", "bac ninh"]) == 0  # Bắc Ninh has a Phường Tân An too
    capsys.readouterr()
    assert main(["tasks", "add", "--title", "Rà soát", "--unit", "tan an"]) == 1
    err = capsys.readouterr().err
    assert "Phường Tân An (Tây Ninh)" in err and "Phường Tân An (Bắc Ninh)" in err
    assert main(["tasks", "add", "--title", "Rà soát", "--unit", "tan an, bac ninh"]) == 0
    assert "cho Phường Tân An" in capsys.readouterr().out


def test_households_import_dry_run_writes_nothing(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["households", "template", "ho.xlsx"]) == 0
    header, sample = load_workbook(seeded_cli / "ho.xlsx")["Mẫu"].iter_rows(values_only=True)
    row = ["Xã Long Chữ", *[str(c or "") for c in sample[1:]]]
    (seeded_cli / "ho.csv").write_bytes(csv_bytes([[str(c) for c in header], row]))
    capsys.readouterr()
    assert main(["households", "import", "ho.csv", "--dry-run"]) == 0
    assert "sẽ thêm mới: 1" in (out := capsys.readouterr().out) and "chưa ghi gì" in out
    assert main(["households", "list"]) == 0
    assert "Nguyễn Văn A" not in capsys.readouterr().out
    assert main(["households", "import", "ho.csv"]) == 0
    assert main(["households", "list"]) == 0
    assert "Nguyễn Văn A" in capsys.readouterr().out


def test_a_bad_date_or_unit_for_households_is_one_vietnamese_line(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ["households", "add", "--unit", "long chu", "--name", "Nguyễn Văn A"]
    assert main([*add, "--track", "hộ nghèo", "--kind", "xây mới"]) == 0
    capsys.readouterr()
    assert main(["households", "stage", "1", "đang thi công", "--on", "32/13/2026"]) == 1
    assert "lỗi: ngày «32/13/2026» không hợp lệ; viết dạng 25/05/2026" in capsys.readouterr().err
    assert main(["households", "progress", "--unit", "khong co xa"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "đơn vị «khong co xa» chưa rõ" in err
    assert main(["households", "stage", "1", "đang thi công", "--on", "01/11/2026"]) == 0


def test_meetings_list_names_each_state(seeded_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import asyncio
    import os

    from sqlmodel import select

    from storage import meetings
    from storage.db import create_engine, session_factory
    from storage.models import Meeting

    for title in ("Giao ban", "Hội nghị", "Hội thảo"):
        assert main(["meetings", "add", "--title", title, "--at", "25/05/2099 08:00"]) == 0
    assert main(["meetings", "cancel", "2"]) == 0

    async def held() -> None:  # a conclusions notice was entered for the first one
        engine = create_engine(os.environ["DATABASE_URL"])
        async with session_factory(engine).begin() as session:
            meeting = (await session.exec(select(Meeting).where(Meeting.id == 1))).one()
            meeting.status = meetings.HELD
            session.add(meeting)
        await engine.dispose()

    asyncio.run(held())
    capsys.readouterr()
    assert main(["meetings", "list"]) == 0
    states = [line.split("\t")[2] for line in capsys.readouterr().out.splitlines() if line.startswith("#")]
    assert states == ["đã họp", "đã hủy", "dự kiến"]


def test_a_cancelled_meeting_is_neither_postponed_nor_cancelled_again(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["meetings", "add", "--title", "Hội nghị", "--at", "25/05/2099 08:00"]) == 0
    assert main(["meetings", "cancel", "1"]) == 0
    capsys.readouterr()
    assert main(["meetings", "postpone", "1", "--to", "01/06/2099 08:00"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "lỗi: Cuộc họp #1 đã hủy; không dời được." in err
    assert main(["meetings", "cancel", "1"]) == 1
    assert "lỗi: Cuộc họp #1 đã hủy rồi" in capsys.readouterr().err
    assert main(["meetings", "list"]) == 0  # nothing moved
    assert "#1\t08:00 Thứ Hai, 25/05/2099\tđã hủy\tHội nghị" in capsys.readouterr().out


def test_households_stage_names_the_wrong_field_and_list_refuses_an_unknown_unit(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ["households", "add", "--unit", "long chu", "--name", "Nguyễn Văn A"]
    assert main([*add, "--track", "hộ nghèo", "--kind", "xây mới"]) == 0
    capsys.readouterr()
    assert main(["households", "stage", "1", "xong"]) == 1
    err = capsys.readouterr().err
    assert "giai đoạn «xong» không hợp lệ; chọn một trong: " in err and "Đang thi công" in err
    assert "không có hộ" not in err
    assert main(["households", "stage", "9", "đang thi công"]) == 1
    err = capsys.readouterr().err
    assert "không có hộ #9 (xem: nhacviec households list)" in err and "giai đoạn" not in err
    assert main(["households", "list"]) == 0
    assert "Chưa khởi công" in capsys.readouterr().out  # nothing moved
    assert main(["households", "list", "--unit", "long chu"]) == 0
    assert "Nguyễn Văn A" in capsys.readouterr().out
    for action in ("list", "progress"):
        assert main(["households", action, "--unit", "long chx"]) == 1
        out, err = capsys.readouterr()
        assert out == "" and "lỗi: đơn vị «long chx» chưa rõ (có thể là: " in err and "Xã Long Chữ" in err
    assert main(["households", "export", "ho.xlsx", "--unit", "khong co xa nao"]) == 1
    assert "chưa rõ" in capsys.readouterr().err and not (seeded_cli / "ho.xlsx").exists()


def test_households_export_keeps_an_existing_file_unless_forced(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = seeded_cli / "ra.xlsx"
    kept.write_bytes(b"the office's own list")
    assert main(["households", "export", "ra.xlsx"]) == 1
    assert "Tệp «ra.xlsx» đã có; không ghi đè" in capsys.readouterr().err
    assert kept.read_bytes() == b"the office's own list"
    assert main(["households", "export", "ra.xlsx", "--force"]) == 0
    assert load_workbook(kept).active["A1"].value


def test_officials_add_names_the_unit_it_found(seeded_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """ "long hiep" is a former name of Xã Mỹ Yên in today's Tây Ninh: the office must see that."""
    capsys.readouterr()
    assert main(["officials", "add", "--name", "Võ Thị Lan", "--unit", "long hiep"]) == 0
    assert capsys.readouterr().out.strip().endswith("Võ Thị Lan — Xã Mỹ Yên")
