"""The emulator's HTTP server: /bot<token>/<method>, /file/bot<token>/<path>, and /control/..."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from emulator import persist
from emulator.botapi import METHODS, BotApi
from emulator.limits import LimitConfig, Limiter
from emulator.params import Params, Upload
from emulator.state import ApiError, State
from emulator.users import UserActions
from emulator.webhook import WebhookDelivery

logger = logging.getLogger(__name__)
TOKEN_RE = re.compile(r"^(\d{3,20}):[A-Za-z0-9_-]{20,80}$")
# The calls that show in a chat (State.record): with jitter, each waits a random while first, so
# that concurrent sends to one chat (a reply and an outbox push) land in either order.
JITTERED = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "deleteMessage",
        "answerCallbackQuery",
    }
)


@dataclass
class Fault:
    """A failure to inject into the next `times` calls of `method` ("*" for any)."""

    method: str = "*"
    status: int = 0  # 5xx to answer with an error
    retry_after: int = 0  # answer 429 with this retry_after
    delay: float = 0.0  # seconds to wait first (longer than the client's timeout = a timeout)
    times: int = 1
    chat_id: int | None = None  # only calls aimed at this chat (None: any)


class Emulator:
    """Start with `async with Emulator() as emu:`; `emu.base_url` is TELEGRAM_API_BASE_URL.

    With `state_dir`, what it remembers is saved there after each change and restored at the next
    start, so a restarted emulator continues every numbering (the sandbox keeps it in DATA_DIR).
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: LimitConfig | None = None,
        bot_username: str = "nhacviec_bot",
        state_dir: Path | None = None,
        jitter: float = 0.0,
        seed: int | None = None,
    ) -> None:
        self.token = token
        self.host, self.port = host, port
        self.state = State(bot_username=bot_username)
        if token:
            self.state.bot_id = int(token.split(":", 1)[0])
        self.state_dir = state_dir
        if state_dir is not None:
            persist.load(self.state, state_dir)
            self.state.on_change = self.save
        self.limiter = Limiter(limits or LimitConfig())
        self.api = BotApi(self.state, self.limiter)
        self.users = UserActions(self.state)
        self.webhooks = WebhookDelivery(self.state)  # posts updates once a webhook is set and routed
        self.faults: list[Fault] = []
        self.jitter = jitter  # up to this many seconds' wait before each JITTERED call (0: none)
        self._random = random.Random(seed)
        self.calls: dict[str, int] = {}
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()  # ends injected delays, so that stop() is prompt
        self.base_url = ""

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._bot_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        app.router.add_route("*", "/control/{action}", self._control)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self.webhooks.start()
        return self.base_url

    async def stop(self) -> None:
        self._stopping.set()
        self.state.closing = True
        await self.webhooks.stop()
        async with self.state.changed:  # long polls end now rather than at their timeout
            self.state.changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.save()

    def save(self) -> None:
        """Write the state to `state_dir` (a no-op without one)."""
        if self.state_dir is not None:
            persist.save(self.state, self.state_dir)

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- Bot API ----------------------------------------------------------------------------

    def _check_token(self, token: str) -> None:
        match = TOKEN_RE.match(token)
        if not match or (self.token and token != self.token):
            raise ApiError(401, "Unauthorized")
        if not self.state.bot_id:
            self.state.bot_id = int(match.group(1))

    async def _bot_method(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        try:
            self._check_token(request.match_info["token"])
            method = METHODS.get(name.lower())
            if method is None:
                raise ApiError(404, "Not Found: method not found")
            self.calls[method] = self.calls.get(method, 0) + 1
            params = await _read_params(request)
            await self._inject_fault(method, params.values.get("chat_id"))
            if self.jitter and method in JITTERED:
                await self._pause(self._random.uniform(0, self.jitter))
            result = await getattr(self.api, method)(params)
        except ApiError as exc:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.code,
                "description": exc.description,
            }
            if exc.parameters:
                body["parameters"] = exc.parameters
            return web.json_response(body, status=exc.code)
        return web.json_response({"ok": True, "result": result})

    async def _inject_fault(self, method: str, chat_id: Any = None) -> None:
        for fault in self.faults:
            aimed = fault.chat_id is None or str(fault.chat_id) == str(chat_id)
            if fault.times > 0 and fault.method in ("*", method) and aimed:
                fault.times -= 1
                if fault.delay:
                    await self._pause(fault.delay)
                if fault.retry_after:
                    raise ApiError(
                        429,
                        f"Too Many Requests: retry after {fault.retry_after}",
                        {"retry_after": fault.retry_after},
                    )
                if fault.status:
                    raise ApiError(
                        fault.status,
                        {500: "Internal Server Error", 502: "Bad Gateway"}.get(fault.status, "Server Error"),
                    )
                return

    async def _pause(self, seconds: float) -> None:
        """Wait `seconds`, or less if the emulator stops meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _download(self, request: web.Request) -> web.Response:
        try:
            self._check_token(request.match_info["token"])
        except ApiError:
            return web.Response(status=401, text="Unauthorized")
        stored = self.state.file_by_path(request.match_info["path"])
        if stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")

    # --- control API ------------------------------------------------------------------------

    async def _control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        spec: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            spec.update(await request.json())
        try:
            result = await self.control(action, spec)
        except ApiError as exc:
            return web.json_response({"ok": False, "description": exc.description}, status=exc.code)
        except (KeyError, ValueError, TypeError) as exc:
            return web.json_response({"ok": False, "description": f"bad control call: {exc}"}, status=400)
        return web.json_response({"ok": True, "result": result})

    async def control(self, action: str, spec: dict[str, Any]) -> Any:
        """The control API, callable in-process too (the HTTP route wraps it)."""
        users, state = self.users, self.state
        match action:
            case "user":
                return state.add_user(spec)
            case "group":
                return state.add_group(spec)
            case "message":
                return await users.text(spec)
            case "messages":  # several at once: Telegram then delivers them in one batch
                return [await users.text(item) for item in spec["messages"]]
            case "photo":
                return await users.photo(spec, base64.b64decode(spec["data_b64"]))
            case "document":
                return await users.document(spec, base64.b64decode(spec["data_b64"]))
            case "contact":
                return await users.contact(spec)
            case "location":
                return await users.location(spec)
            case "press":
                return await users.press(spec)
            case "forged_press":
                return await users.forged_press(spec)
            case "block":
                user_id = int(spec["user_id"])
                (state.blocked.add if spec.get("blocked", True) else state.blocked.discard)(user_id)
                return True
            case "records":
                return self.records(chat_id=_opt_int(spec.get("chat_id")), after=int(spec.get("after", 0)))
            case "wait":
                return await self.wait_for(
                    chat_id=_opt_int(spec.get("chat_id")),
                    after=int(spec.get("after", 0)),
                    count=int(spec.get("count", 1)),
                    timeout=float(spec.get("timeout", 10)),
                )
            case "answer":
                return state.callback_answers.get(str(spec["callback_query_id"]))
            case "file":
                stored = state.files[str(spec["file_id"])]
                return {
                    "data_b64": base64.b64encode(stored.data).decode(),
                    "file_path": stored.file_path,
                }
            case "fault":
                fault = Fault(
                    **{
                        k: spec[k]
                        for k in ("method", "status", "retry_after", "delay", "times", "chat_id")
                        if k in spec
                    }
                )
                self.faults.append(fault)
                return asdict(fault)
            case "clear_faults":
                self.faults.clear()
                return True
            case "limits":
                self.limiter.reset(LimitConfig(**spec))
                return asdict(self.limiter.config)
            case "stats":
                return self.stats()
            case "webhook_route":  # where the webhook's https URL is reached (emulator.webhook)
                self.webhooks.route = str(spec.get("to") or "")
                return self.webhooks.target()
            case "commands":  # the menu a chat sees: its own scope, else the default
                chat_id = spec.get("chat_id")
                scoped = state.commands.get(f"chat:{chat_id}") if chat_id else None
                return scoped if scoped is not None else state.commands.get("default", [])
        raise ApiError(404, f"unknown control action {action!r}")

    def records(
        self,
        *,
        chat_id: int | None = None,
        after: int = 0,
        kinds: tuple[str, ...] = ("send", "edit", "delete", "user"),
    ) -> list[dict[str, Any]]:
        return [
            r.to_json()
            for r in self.state.records
            if r.seq > after and r.kind in kinds and (chat_id is None or r.chat_id == chat_id)
        ]

    async def wait_for(
        self, *, chat_id: int | None, after: int, count: int = 1, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Wait until the bot has acted `count` times (send, edit, delete) in the chat."""

        async def enough() -> list[dict[str, Any]]:
            while True:
                found = self.records(chat_id=chat_id, after=after, kinds=("send", "edit", "delete"))
                if len(found) >= count:
                    return found
                async with self.state.changed:
                    await self.state.changed.wait()

        try:
            return await asyncio.wait_for(enough(), timeout)
        except TimeoutError:
            return self.records(chat_id=chat_id, after=after, kinds=("send", "edit", "delete"))

    def stats(self) -> dict[str, Any]:
        return {
            "calls": dict(self.calls),
            "too_many_requests": self.limiter.too_many,
            "pending_updates": len(self.state.updates),
            "webhook": {"delivered": self.webhooks.delivered, "failed": self.webhooks.failed},
            "records": len(self.state.records),
        }


def _opt_int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


async def _read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.can_read_body:
        content_type = request.content_type
        if content_type == "application/json":
            values.update(await request.json())
        elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[name] = Upload(name, value.file.read(), value.filename, value.content_type)
                else:
                    values[name] = value
        else:
            body = await request.read()
            if body:
                with contextlib.suppress(ValueError):
                    values.update(json.loads(body))
    return Params(values, uploads)
