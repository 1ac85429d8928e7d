"""The emulator's memory: users, chats, messages, files and the update queue."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Where each numbering starts on a fresh emulator; a restored one continues from what it stored.
FIRST_IDS = {"update": 700_000_001, "user": 5_000_001, "file": 1, "seq": 1, "callback": 9_000_001}


class ApiError(Exception):
    """An answer of the form {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def check_utf8(value: object, name: str) -> None:
    """Telegram refuses a string that is not valid UTF-8 (a lone surrogate once decoded)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise bad_request(f"{name} must be encoded in UTF-8") from None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    mime_type: str | None = None
    file_name: str | None = None


@dataclass
class Record:
    """One thing that happened in a chat, in order: what tests and the console read."""

    seq: int
    kind: str  # send | edit | delete | user | answer (a toast)
    chat_id: int
    message: dict[str, Any]
    html: str | None = None  # the markup the bot sent, before parsing
    markup: dict[str, Any] | None = None  # any keyboard, reply keyboards included

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "chat_id": self.chat_id,
            "message": self.message,
            "html": self.html,
            "markup": self.markup,
        }


@dataclass
class State:
    """Everything the emulator remembers: in memory, saved after each change when persisted."""

    bot_id: int = 0
    bot_username: str = "nhacviec_bot"
    bot_first_name: str = "Nhắc việc"
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    started: set[int] = field(default_factory=set)  # users who have talked to the bot
    blocked: set[int] = field(default_factory=set)  # users who blocked the bot
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    html_of: dict[tuple[int, int], str] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    files: dict[str, StoredFile] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    callback_answers: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    # command menus by scope key: "default", "chat:<id>", "all_private_chats", ...
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    webhook_url: str = ""
    webhook_secret: str = ""  # sent back in X-Telegram-Bot-Api-Secret-Token (emulator.webhook)
    webhook_max_connections: int = 40
    webhook_last_error: tuple[int, str] | None = None  # (unix time, message) for getWebhookInfo
    closing: bool = False  # set when the server stops: long polls answer at once
    callback_chats: dict[str, int] = field(default_factory=dict)  # query id -> chat of its message
    # the next number of each numbering (FIRST_IDS), and the next message id of each chat
    next_ids: dict[str, int] = field(default_factory=lambda: dict(FIRST_IDS))
    next_message_ids: dict[int, int] = field(default_factory=dict)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    on_change: Callable[[], None] | None = None  # e.g. save the state to disk

    def _next(self, numbering: str) -> int:
        value = self.next_ids.get(numbering, FIRST_IDS[numbering])
        self.next_ids[numbering] = value + 1
        return value

    # --- identities -------------------------------------------------------------------------

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def add_user(self, spec: dict[str, Any]) -> dict[str, Any]:
        user_id = int(spec.get("id") or self._next("user"))
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": spec.get("first_name") or "Cán bộ",
            "language_code": spec.get("language_code", "vi"),
        }
        for key in ("last_name", "username"):
            if spec.get(key):
                user[key] = spec[key]
        self.users[user_id] = user
        if spec.get("started"):  # has pressed Start before: the bot may write first
            self.private_chat(user_id)
            self.started.add(user_id)
        return user

    def user(self, user_id: int) -> dict[str, Any]:
        if user_id not in self.users:
            self.add_user({"id": user_id})
        return self.users[user_id]

    def private_chat(self, user_id: int) -> dict[str, Any]:
        user = self.user(user_id)
        chat = self.chats.get(user_id)
        if chat is None:
            chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
            if "last_name" in user:
                chat["last_name"] = user["last_name"]
            if "username" in user:
                chat["username"] = user["username"]
            self.chats[user_id] = chat
        return chat

    def add_group(self, spec: dict[str, Any]) -> dict[str, Any]:
        kind = spec.get("type", "supergroup")
        default_id = -1_000_000_000_000 - len(self.chats) if kind == "supergroup" else -len(self.chats) - 100
        chat = {
            "id": int(spec.get("id") or default_id),
            "type": kind,
            "title": spec.get("title") or "Nhóm",
        }
        self.chats[chat["id"]] = chat
        return chat

    def chat(self, chat_id: int) -> dict[str, Any]:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def is_group(self, chat_id: int) -> bool:
        return self.chat(chat_id)["type"] != "private"

    # --- messages and records ---------------------------------------------------------------

    def next_message_id(self, chat_id: int) -> int:
        value = self.next_message_ids.get(chat_id, 1)
        self.next_message_ids[chat_id] = value + 1
        return value

    def new_message(
        self, chat_id: int, sender: dict[str, Any], date: int | None = None, **content: Any
    ) -> dict[str, Any]:
        message = {
            "message_id": self.next_message_id(chat_id),
            "from": sender,
            "chat": self.chat(chat_id),
            "date": int(date or time.time()),
        }
        message.update({key: value for key, value in content.items() if value is not None})
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def record(
        self,
        kind: str,
        chat_id: int,
        message: dict[str, Any],
        html: str | None = None,
        markup: dict[str, Any] | None = None,
    ) -> Record:
        entry = Record(self._next("seq"), kind, chat_id, message, html, markup)
        self.records.append(entry)
        return entry

    async def notify(self) -> None:
        if self.on_change is not None:
            self.on_change()
        async with self.changed:
            self.changed.notify_all()

    # --- updates ----------------------------------------------------------------------------

    def push_update(self, **content: Any) -> dict[str, Any]:
        update = {"update_id": self._next("update"), **content}
        query = content.get("callback_query")
        if query and "message" in query:  # its answer (the toast) shows in that chat
            self.callback_chats[query["id"]] = query["message"]["chat"]["id"]
        self.updates.append(update)
        return update

    def number_updates_from(self, first: int) -> None:
        """Number the next updates from `first` at least (a bot that saw higher ids drops lower)."""
        self.next_ids["update"] = max(self.next_ids.get("update", FIRST_IDS["update"]), first)

    def confirm_below(self, offset: int) -> None:
        self.updates = [u for u in self.updates if u["update_id"] >= offset]

    # --- files ------------------------------------------------------------------------------

    def store_file(
        self,
        data: bytes,
        *,
        folder: str,
        extension: str,
        mime_type: str | None = None,
        file_name: str | None = None,
    ) -> StoredFile:
        unique = hashlib.sha256(data).hexdigest()[:16]
        number = self._next("file")
        file_id = f"F{number:06d}{unique}"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=f"U{unique}",
            data=data,
            file_path=f"{folder}/file_{number}.{extension}",
            mime_type=mime_type,
            file_name=file_name,
        )
        self.files[file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    def next_callback_id(self) -> str:
        return str(self._next("callback"))
