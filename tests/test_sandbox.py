"""The README's run command with no token: the sandbox comes up and /start answers in Vietnamese."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_run_without_token_starts_sandbox_console(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env["DATA_DIR"] = str(tmp_path / "data")
    script = "/start\n:chon 1\n/start\n:bam 9\n:thoat\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input=script,
        cwd=tmp_path,
        env=env,
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
    assert "Không có nút số 9 ở tin nhắn gần nhất." in out
    assert "Traceback" not in out + result.stderr
    assert (tmp_path / "data" / "sandbox.db").exists()
