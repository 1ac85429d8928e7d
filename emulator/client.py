"""A small client for the emulator's control API, used by tests, benchmarks and the console."""

from __future__ import annotations

import base64
from typing import Any

import httpx


class ControlError(Exception):
    """The emulator refused a control call (e.g. pressing a button that is not there)."""


class EmulatorClient:
    """Plays the users over HTTP: `await client.send(user_id, "/start")`."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/") + "/control", timeout=timeout)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def call(self, action: str, **spec: Any) -> Any:
        response = await self._http.post(f"/{action}", json={k: v for k, v in spec.items() if v is not None})
        body = response.json()
        if not body.get("ok"):
            raise ControlError(body.get("description", response.text))
        return body["result"]

    async def user(
        self, user_id: int | None = None, first_name: str = "Cán bộ", **extra: Any
    ) -> dict[str, Any]:
        return await self.call("user", id=user_id, first_name=first_name, **extra)

    async def group(self, title: str, chat_id: int | None = None, kind: str = "supergroup") -> dict[str, Any]:
        return await self.call("group", id=chat_id, title=title, type=kind)

    async def send(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to: int | None = None,
        date: int | None = None,
    ) -> dict[str, Any]:
        return await self.call(
            "message",
            user_id=user_id,
            chat_id=chat_id,
            text=text,
            reply_to_message_id=reply_to,
            date=date,
        )

    async def send_batch(self, user_id: int, texts: list[str]) -> list[dict[str, Any]]:
        """Several messages that reach the bot together, in one getUpdates batch."""
        return await self.call("messages", messages=[{"user_id": user_id, "text": t} for t in texts])

    async def photo(
        self,
        user_id: int,
        data: bytes,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        return await self.call(
            "photo",
            user_id=user_id,
            chat_id=chat_id,
            caption=caption,
            reply_to_message_id=reply_to,
            data_b64=base64.b64encode(data).decode(),
            **extra,
        )

    async def document(
        self,
        user_id: int,
        data: bytes,
        file_name: str,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        return await self.call(
            "document",
            user_id=user_id,
            chat_id=chat_id,
            file_name=file_name,
            mime_type=mime_type,
            caption=caption,
            data_b64=base64.b64encode(data).decode(),
        )

    async def contact(self, user_id: int, phone_number: str, *, own: bool = True) -> dict[str, Any]:
        return await self.call("contact", user_id=user_id, phone_number=phone_number, own=own)

    async def location(self, user_id: int, latitude: float, longitude: float) -> dict[str, Any]:
        return await self.call("location", user_id=user_id, latitude=latitude, longitude=longitude)

    async def press(
        self,
        user_id: int,
        message_id: int,
        *,
        data: str | None = None,
        text: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        return await self.call(
            "press", user_id=user_id, chat_id=chat_id, message_id=message_id, data=data, text=text
        )

    async def forged_press(self, user_id: int, message_id: int, data: str | None) -> dict[str, Any]:
        """A tampered client presses 'a button' carrying `data` (None: no data) under the message."""
        return await self.call("forged_press", user_id=user_id, message_id=message_id, data=data)

    async def block(self, user_id: int, blocked: bool = True) -> None:
        await self.call("block", user_id=user_id, blocked=blocked)

    async def records(self, chat_id: int | None = None, after: int = 0) -> list[dict[str, Any]]:
        return await self.call("records", chat_id=chat_id, after=after)

    async def wait(
        self, chat_id: int | None, *, after: int = 0, count: int = 1, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """What the bot did in the chat after `after` (seq), once there are `count` actions."""
        return await self.call("wait", chat_id=chat_id, after=after, count=count, timeout=timeout)

    async def answer(self, callback_query_id: str) -> dict[str, Any] | None:
        return await self.call("answer", callback_query_id=callback_query_id)

    async def fault(
        self,
        method: str = "*",
        *,
        status: int = 0,
        retry_after: int = 0,
        delay: float = 0.0,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        await self.call(
            "fault",
            method=method,
            status=status,
            retry_after=retry_after,
            delay=delay,
            times=times,
            chat_id=chat_id,
        )

    async def clear_faults(self) -> None:
        await self.call("clear_faults")

    async def limits(self, **config: Any) -> dict[str, Any]:
        return await self.call("limits", **config)

    async def stats(self) -> dict[str, Any]:
        return await self.call("stats")

    async def webhook_route(self, to: str) -> str:
        """Post the webhook's updates to `to` (http://host:port) in place of its https host."""
        return await self.call("webhook_route", to=to)

    async def commands(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """The command menu the chat sees (its own scope if set, else the default)."""
        return await self.call("commands", chat_id=chat_id)
