"""The operator's command line speaks Vietnamese: every verb's --help, argparse's own words and
errors; a chore's output is only what it says (no migration log line), long imports and
invitations show a bar on a terminal and nothing in a pipe (issue 11, items 13 and 14)."""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import _parser, main
from tests.factories import csv_bytes

# Letters only Vietnamese (among the languages an operator meets here) writes: đ, ă, â, ơ, ư ...
VIETNAMESE = re.compile(r"[đĐăĂâÂêÊôÔơƠưƯ]|[\u0300-\u0323]")
ARGPARSE_ENGLISH = ("usage:", "positional arguments", "options:", "show this help message", "optional")


# Vietnamese words without a mark, and names an operator types as they are.
UNMARKED = {"in", "JSON", "README", "bot", "Telegram", "emulator", "console", "migration", "script"}


def _vietnamese(text: str) -> bool:
    """Vietnamese first: the text before any « / English» part, without its (asides), has a
    Vietnamese letter or is made of words on the allow-list."""
    head = re.sub(r"\([^)]*\)", "", text.split(" / ")[0])
    if VIETNAMESE.search(unicodedata.normalize("NFD", head)):
        return True
    words = re.findall(r"[^\W\d_]+", head)
    return bool(words) and set(words) <= UNMARKED


def _parsers(
    parser: argparse.ArgumentParser, path: str
) -> Iterator[tuple[str, str | None, argparse.ArgumentParser]]:
    """Every verb and sub-verb under `parser`, with the one-line help its parent lists."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield f"{path} {name}", helps.get(name), sub
                yield from _parsers(sub, f"{path} {name}")


def test_every_verb_and_argument_is_explained_in_vietnamese() -> None:
    root = _parser()
    verbs = list(_parsers(root, "nhacviec"))
    assert {"nhacviec units import", "nhacviec officials invite", "nhacviec db upgrade"} <= {
        path for path, _, _ in verbs
    }
    not_vietnamese = []
    for path, summary, parser in [("nhacviec", root.description, root), *verbs]:
        texts = {"help": summary, "description": parser.description}
        for action in parser._actions:
            if not isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
                texts[" ".join(action.option_strings) or action.dest] = action.help
        not_vietnamese += [
            f"{path} {what}: {text!r}" for what, text in texts.items() if not _vietnamese(text or "")
        ]
        page = parser.format_help()
        not_vietnamese += [f"{path} --help: {word!r}" for word in ARGPARSE_ENGLISH if word in page]
        assert "cách dùng: " + path in page and "-h, --help" in page
    assert not not_vietnamese, "\n".join(not_vietnamese)


def test_argparse_complaints_are_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    cases = [
        (["tasks", "add"], "thiếu đối số bắt buộc: --title, --unit"),
        (["officials", "invite", "--days", "muoi"], "đối số --days: phải là số nguyên, không phải 'muoi'"),
        (["khong-co"], "không có lựa chọn 'khong-co' (chọn một trong"),
        (["units", "list", "--thua"], "không hiểu đối số: --thua"),
    ]
    for argv, said in cases:
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        err = capsys.readouterr().err
        assert exit_.value.code == 2 and said in err, err
        assert err.startswith("cách dùng: nhacviec") and ": lỗi: " in err and "error:" not in err


def _cli(*argv: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,
    )


def test_a_chore_prints_only_what_it_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh database is migrated on the way; the terminal is not told, stdout stays the answer."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    seeded = _cli("units", "seed", "--province", "tay ninh")
    assert seeded.returncode == 0 and seeded.stderr == ""
    assert seeded.stdout == (
        "Tây Ninh: thêm 96 xã/phường/đặc khu, đã có 0; ghi 341 tên cũ (tỉnh, huyện, xã trước 7/2025)\n"
    )
    listed = _cli("units", "list")
    assert listed.stderr == "" and len(listed.stdout.splitlines()) == 97
    assert all(line.startswith("#") for line in listed.stdout.splitlines())


def _officials_csv(path: Path, count: int) -> None:
    header = ["Họ và tên", "Chức vụ", "Đơn vị", "Vai trò", "Số điện thoại"]
    rows = [[f"Nguyễn Văn {i}", "Chuyên viên", "long chu", "cán bộ", f"09120{i:05d}"] for i in range(count)]
    path.write_bytes(csv_bytes([header, *rows]))


def _on_a_terminal(*argv: str) -> tuple[str, str]:
    """Run the command with stderr on a pseudo-terminal (stdout a pipe): (stdout, what stderr showed)."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *argv], stdout=subprocess.PIPE, stderr=terminal, env=env
    )
    os.close(terminal)
    shown = b""
    while select.select([controller], [], [], 120)[0]:  # two minutes without a byte: stuck
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the process closed the terminal's last end: it has finished
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0, shown.decode(errors="replace")
    return out.decode(), shown.decode(errors="replace")


def test_long_imports_and_invitations_show_a_bar_on_a_terminal_only(seeded_cli: Path) -> None:
    _officials_csv(seeded_cli / "cb.csv", 120)
    out, shown = _on_a_terminal("officials", "import", "cb.csv")
    assert out == "thêm mới: 120, cập nhật: 0, dòng lỗi: 0\n"
    assert re.search(r"Nhập cán bộ: 100%\|.*\| 120/120 ", shown), shown
    out, shown = _on_a_terminal("officials", "invite", "--yes", "--bot-username", "xa_bot")
    assert out.count("https://t.me/xa_bot?start=") == 120 and re.search(
        r"Tạo link mời: 100%\|.*\| 120/120 ", shown
    ), shown
    piped = _cli("officials", "import", "cb.csv")  # a pipe or a log: no bar, no stray characters
    assert piped.stdout == "thêm mới: 0, cập nhật: 120, dòng lỗi: 0\n" and piped.stderr == ""


def test_file_errors_name_the_file_in_vietnamese(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["officials", "template", "khong-co/cb.xlsx"]) == 1
    assert "Không có thư mục «khong-co» để ghi tệp «khong-co/cb.xlsx»" in capsys.readouterr().err
    assert main(["households", "export", "khong-co/ho.xlsx"]) == 1
    assert "Không có thư mục «khong-co» để ghi tệp «khong-co/ho.xlsx»" in capsys.readouterr().err
    (seeded_cli / "thu-muc").mkdir()
    assert main(["households", "export", "thu-muc"]) == 1
    err = capsys.readouterr().err
    assert "«thu-muc»: đây là một thư mục, không phải tệp" in err and "directory" not in err
    assert main(["restore", "khong-co.tar.gz"]) == 1
    assert "Không tìm thấy tệp «khong-co.tar.gz»" in capsys.readouterr().err
