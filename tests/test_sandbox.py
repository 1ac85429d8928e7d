"""The README's run command with no token: the sandbox comes up, answers in Vietnamese, and ends quietly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path


def sandbox_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env["DATA_DIR"] = str(tmp_path / "data")
    return env


def test_run_without_token_starts_sandbox_console(tmp_path: Path) -> None:
    script = "/start\n:chon 1\n/start\n:bam 9\n:thoat\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input=script,
        cwd=tmp_path,
        env=sandbox_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert out.startswith("SANDBOX: không có TELEGRAM_BOT_TOKEN")
    # Persona 2 (default) is a seeded official of Xã Long Hiệp; persona 1 is a stranger.
    assert "Xin chào đồng chí Nguyễn Văn Hùng (Xã Long Hiệp)!" in out
    assert "Bot chỉ phục vụ cán bộ đã được mời" in out
    assert "⌨ 📱 Gửi số điện thoại để xác minh (bấm bằng :sdt SỐ)" in out  # how to tap it here
    assert "Chưa có tin nào có nút để bấm." in out
    assert "Traceback" not in out + result.stderr
    assert (tmp_path / "data" / "sandbox.db").exists()


def test_ctrl_c_ends_the_sandbox_quietly(tmp_path: Path) -> None:
    """Item 13: Ctrl-C at the prompt stops the bot and the emulator, with no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox"],
        stdin=subprocess.PIPE,  # kept open: the console is waiting for a line when Ctrl-C comes
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=sandbox_env(tmp_path),
        text=True,
    )
    watchdog = threading.Timer(120, process.kill)  # a hung sandbox fails the test, not the run
    watchdog.start()
    try:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, ""):
            if line.startswith("[Hùng] >"):  # the console waits for the first line
                break
        process.send_signal(signal.SIGINT)
        out, err = process.communicate()
    finally:
        watchdog.cancel()
    assert process.returncode == 0, err
    assert "Đã dừng sandbox." in out
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err
