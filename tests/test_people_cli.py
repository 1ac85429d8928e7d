"""The officials part of the office's command line: the last admin is never locked or demoted,
what cannot be undone is asked first (--yes for scripts), invitations say what they replace."""

from __future__ import annotations

import asyncio
import builtins
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from emulator import Emulator
from tests.factories import TEST_TOKEN, csv_bytes

Answers = Callable[[str], str]


def _answer(monkeypatch: pytest.MonkeyPatch, reply: str | None) -> list[str]:
    """What the office types at the next prompts (None: no terminal, end of input); the questions."""
    asked: list[str] = []

    def fake_input(question: str = "") -> str:
        asked.append(question)
        if reply is None:
            raise EOFError
        return reply

    monkeypatch.setattr(builtins, "input", fake_input)
    return asked


def _add(name: str, role: str = "cán bộ", unit: str = "long chu") -> None:
    assert main(["officials", "add", "--name", name, "--unit", unit, "--role", role]) == 0


def _listed(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["officials", "list"]) == 0
    return capsys.readouterr().out


def test_the_last_admin_is_never_locked_or_demoted_and_the_rest_is_asked(
    seeded_cli: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _add("Lê Thị Thảo", role="quản trị")
    _add("Nguyễn Văn Hùng")
    capsys.readouterr()

    assert main(["officials", "deactivate", "1", "--yes"]) == 1
    assert "#1 Lê Thị Thảo là quản trị viên (Văn phòng) cuối cùng còn hoạt động" in capsys.readouterr().err
    assert main(["officials", "edit", "1", "--role", "cán bộ", "--yes"]) == 1
    assert "cuối cùng còn hoạt động" in capsys.readouterr().err

    asked = _answer(monkeypatch, "không")
    assert main(["officials", "deactivate", "2"]) == 1
    assert asked == ["Khóa tài khoản #2 Nguyễn Văn Hùng (Xã Long Chữ)? Gõ «có» để tiếp tục: "]
    _answer(monkeypatch, None)  # a script without --yes: no answer is a no
    assert main(["officials", "deactivate", "2"]) == 1
    assert "Chưa làm gì" in capsys.readouterr().out
    assert "đã khóa" not in _listed(capsys)
    assert main(["officials", "deactivate", "2", "--yes"]) == 0
    assert re.search(r"#2\tNguyễn Văn Hùng\t.*\tđã khóa", _listed(capsys))

    _add("Võ Văn Sáu", role="quản trị")  # with a second admin, Thảo may step down, once she confirms
    asked = _answer(monkeypatch, "có")
    assert main(["officials", "edit", "1", "--role", "lãnh đạo"]) == 0
    assert asked[0].startswith("Đổi vai trò của #1 Lê Thị Thảo từ quản trị (Văn phòng) sang lãnh đạo?")
    assert re.search(r"#1\tLê Thị Thảo\t.*\tlãnh đạo\t", _listed(capsys))


def test_invitations_say_what_they_replace_and_ask_first(
    seeded_cli: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _add("Nguyễn Văn Hùng")
    _add("Võ Thị Lan")
    capsys.readouterr()

    asked = _answer(monkeypatch, "không")
    assert main(["officials", "invite", "--bot-username", "nhacviec_bot"]) == 1
    out = capsys.readouterr().out
    assert "Sẽ cấp 2 đường link mời mới." in out and "https://t.me" not in out and asked

    assert main(["officials", "invite", "--bot-username", "nhacviec_bot", "--yes"]) == 0
    links = re.findall(r"https://t\.me/nhacviec_bot\?start=[A-Za-z0-9_-]+", capsys.readouterr().out)
    assert len(links) == 2

    asked = _answer(monkeypatch, "không")  # again: the two links just printed would stop working
    assert main(["officials", "invite", "--bot-username", "nhacviec_bot"]) == 1
    assert "2 mã mời cũ còn hạn, chưa dùng sẽ hết hiệu lực" in capsys.readouterr().out and asked
    assert main(["officials", "invite", "99"]) == 1
    assert "không có cán bộ #99" in capsys.readouterr().err


@pytest.mark.parametrize("verb", ["deactivate", "reactivate", "edit"])
def test_a_number_no_id_can_be_is_nobody_not_a_traceback(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str], verb: str
) -> None:
    huge = "99999999999999999999"
    assert main(["officials", verb, huge, *(["--title", "x"] if verb == "edit" else [])]) == 1
    assert f"không có cán bộ #{huge}" in capsys.readouterr().err


def test_officials_import_dry_run_writes_nothing(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (seeded_cli / "cb.csv").write_bytes(
        csv_bytes([["Họ và tên", "Đơn vị", "Vai trò"], ["Trần Thị Bảy", "long chu", "cán bộ"]])
    )
    assert main(["officials", "import", "cb.csv", "--dry-run"]) == 0
    assert "sẽ thêm mới: 1" in capsys.readouterr().out
    assert "Trần Thị Bảy" not in _listed(capsys)
    assert main(["officials", "import", "cb.csv"]) == 0
    assert "Trần Thị Bảy" in _listed(capsys)


async def test_invite_asks_telegram_for_the_bot_name(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No BOT_USERNAME, a token: the links carry the name getMe gives."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", emulator.base_url)
    monkeypatch.delenv("BOT_USERNAME", raising=False)

    def cli(*argv: str) -> int:
        return main(list(argv))

    assert await asyncio.to_thread(cli, "units", "seed", "--province", "tay ninh") == 0
    assert (
        await asyncio.to_thread(cli, "officials", "add", "--name", "Nguyễn Văn Hùng", "--unit", "long chu")
        == 0
    )
    assert await asyncio.to_thread(cli, "officials", "invite", "--yes") == 0
    assert re.search(r"Nguyễn Văn Hùng\t.*\thttps://t\.me/nhacviec_bot\?start=\S+", capsys.readouterr().out)
