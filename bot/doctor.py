"""`nhacviec doctor`: one line per check (✅ / ⚠️ / ❌) and what to fix, in Vietnamese and English."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from bot.config import ConfigError, Settings, load_settings
from storage.db import create_engine, normalize_database_url
from storage.health import database_state

OK, WARN, FAIL = "✅", "⚠️", "❌"
DISK_WARN, DISK_FAIL = 1024**3, 100 * 1024**2  # free bytes under DATA_DIR


@dataclass(frozen=True, slots=True)
class Check:
    mark: str
    line: str


def main() -> int:
    """Run every check and print it; 1 when any failed (❌), else 0."""
    try:
        settings = load_settings(need_token=True)
        checks = [Check(OK, "Cấu hình hợp lệ / configuration is valid")]
    except ConfigError as exc:
        checks = [Check(FAIL, f"Cấu hình sai, sửa .env / fix .env: {exc}")]
        try:
            settings = load_settings(need_token=False)  # go on with the rest if only the token is bad
        except ConfigError:
            return _report(checks)
    checks += asyncio.run(run_checks(settings))
    return _report(checks)


def _report(checks: list[Check]) -> int:
    for check in checks:
        print(f"{check.mark} {check.line}")
    return 1 if any(check.mark == FAIL for check in checks) else 0


async def run_checks(settings: Settings) -> list[Check]:
    checks = await _database(settings)
    if settings.token is None:
        checks.append(
            Check(WARN, "Chưa có TELEGRAM_BOT_TOKEN: bỏ qua kiểm tra Telegram / no token: Telegram skipped")
        )
    else:
        checks += await _telegram(settings)
    return [*checks, _disk(settings.data_dir), _photos(settings.data_dir)]


def _missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file DATABASE_URL names, when it is not there (connecting would create it)."""
    parsed = make_url(normalize_database_url(url))
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:") or parsed.query.get("mode") == "memory":
        return None  # a URI the driver reads itself
    path = Path(database)
    return None if path.exists() else path


async def _database(settings: Settings) -> list[Check]:
    missing = _missing_sqlite_file(settings.database_url)
    if missing is not None:  # only look: a connection would leave an empty file behind
        return [
            Check(
                FAIL,
                f"Chưa có cơ sở dữ liệu {missing}: chạy `nhacviec db upgrade` hoặc `nhacviec run` để tạo / "
                "no database yet: run `nhacviec db upgrade` or `nhacviec run` to create it",
            )
        ]
    engine = create_engine(settings.database_url)
    try:
        state = await database_state(engine)
    finally:
        await engine.dispose()
    if not state.reachable:
        return [
            Check(
                FAIL,
                f"Không kết nối được cơ sở dữ liệu, xem DATABASE_URL / database unreachable: {state.error}",
            )
        ]
    checks = [Check(OK, "Cơ sở dữ liệu kết nối được / database reachable")]
    if state.migrated:
        checks.append(Check(OK, f"Lược đồ mới nhất / migrations current ({state.current})"))
    else:
        checks.append(
            Check(
                FAIL,
                f"Lược đồ cũ ({state.current or 'trống'}), chạy `nhacviec db upgrade` / "
                f"migrations behind ({state.current or 'empty'} → {state.head}): run `nhacviec db upgrade`",
            )
        )
    return checks


async def _telegram(settings: Settings) -> list[Check]:
    base = f"{settings.telegram_api_base_url}/bot{settings.token}"
    async with httpx.AsyncClient(timeout=10.0) as http:
        try:
            me = await _call(http, f"{base}/getMe")
        except _ApiError as exc:  # never print the URL: it holds the token
            hint = (
                "kiểm tra TELEGRAM_BOT_TOKEN / check the token"
                if exc.code == 401
                else "kiểm tra mạng / check the network"
            )
            return [Check(FAIL, f"Telegram từ chối hoặc không trả lời ({exc}), {hint}")]
        checks = [Check(OK, f"Mã bot hợp lệ / token accepted: @{me.get('username')}")]
        try:
            info = await _call(http, f"{base}/getWebhookInfo")
        except _ApiError as exc:
            return [*checks, Check(WARN, f"Không đọc được webhook / cannot read the webhook: {exc}")]
    return [*checks, _webhook(settings, info)]


def _webhook(settings: Settings, info: dict[str, Any]) -> Check:
    registered = str(info.get("url") or "")
    if settings.webhook_url is None:
        if registered:
            return Check(
                WARN,
                f"Đang có webhook {registered}; chế độ polling sẽ gỡ nó khi khởi động / "
                "a webhook is set; polling removes it at start-up",
            )
        return Check(OK, "Chế độ polling, không có webhook / polling mode, no webhook set")
    if registered != settings.webhook_url:
        return Check(
            FAIL,
            f"Webhook chưa đăng ký đúng ({registered or 'trống'}), khởi động bot để đăng ký / "
            f"webhook not registered as WEBHOOK_URL: start the bot to register it",
        )
    error = info.get("last_error_message")
    if error:
        return Check(WARN, f"Telegram báo lỗi gửi webhook / last delivery error: {error}")
    return Check(OK, f"Webhook đã đăng ký / webhook registered: {registered}")


def _disk(data_dir: Path) -> Check:
    folder = data_dir if data_dir.exists() else data_dir.resolve().parent
    while not folder.exists():
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    text = f"{free / 1024**3:.1f} GB"
    if free < DISK_FAIL:
        return Check(FAIL, f"Ổ đĩa gần đầy, còn {text} / disk almost full: free space under DATA_DIR")
    if free < DISK_WARN:
        return Check(WARN, f"Ổ đĩa còn ít, {text} / little free disk space")
    return Check(OK, f"Ổ đĩa còn trống / free disk space: {text}")


def _photos(data_dir: Path) -> Check:
    folder = data_dir / "photos"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(
            FAIL,
            f"Không ghi được thư mục ảnh {folder} ({exc.strerror}), kiểm tra quyền / "
            "photos folder not writable",
        )
    return Check(OK, f"Thư mục ảnh ghi được / photos folder writable: {folder}")


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code} {description}")
        self.code = code


async def _call(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    try:
        response = await http.post(url)
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise _ApiError(0, type(exc).__name__) from None
    if not body.get("ok"):
        raise _ApiError(int(body.get("error_code", response.status_code)), str(body.get("description", "")))
    return dict(body["result"])
