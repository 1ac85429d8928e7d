"""The Bot API methods the emulator answers, with Telegram's checks and error texts."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from typing import Any

from emulator.limits import Limiter
from emulator.params import Params, Upload
from emulator.state import ApiError, State, StoredFile, bad_request
from emulator.tghtml import EntityParseError, html_to_text, utf16_length

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DOWNLOAD = 20 * 1024 * 1024
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)

SECRET_RE = re.compile(r"^[A-Za-z0-9_-]*$")


def _last_error(error: tuple[int, str] | None) -> dict[str, Any]:
    return {} if error is None else {"last_error_date": error[0], "last_error_message": error[1]}


class BotApi:
    """One coroutine per Bot API method; each returns the JSON `result` or raises ApiError."""

    def __init__(self, state: State, limiter: Limiter) -> None:
        self.state = state
        self.limiter = limiter
        self._poll_generation = 0

    # --- helpers ----------------------------------------------------------------------------

    def _target_chat(self, params: Params) -> dict[str, Any]:
        chat_id = params.require_int("chat_id")
        chat = self.state.chats.get(chat_id)
        if chat is None and chat_id in self.state.users:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if chat is None:
            raise bad_request("chat not found")
        if chat["type"] == "private":
            if chat_id in self.state.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat_id not in self.state.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _rate_limit(self, chat: dict[str, Any]) -> None:
        wait = self.limiter.check(chat["id"], is_group=chat["type"] != "private")
        if wait:
            raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})

    @staticmethod
    def _formatted(params: Params, name: str, limit: int, too_long: str) -> tuple[str, str | None]:
        raw = params.str(name) or ""
        html = None
        if (params.str("parse_mode") or "").upper() == "HTML":
            html = raw
            try:
                raw = html_to_text(raw)
            except EntityParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
        if utf16_length(raw) > limit:
            raise bad_request(too_long)
        return raw, html

    @staticmethod
    def _markup(params: Params) -> dict[str, Any] | None:
        markup = params.json("reply_markup")
        if not isinstance(markup, dict):
            return None
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise bad_request("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
        return markup

    def _send(self, chat: dict[str, Any], html: str | None, **content: Any) -> dict[str, Any]:
        markup = content.pop("reply_markup", None)
        if markup and "inline_keyboard" in markup:
            content["reply_markup"] = markup  # only inline keyboards travel with the message
        message = self.state.new_message(chat["id"], self.state.bot_user(), **content)
        key = (chat["id"], message["message_id"])
        if html is not None:
            self.state.html_of[key] = html
        self.state.record("send", chat["id"], message, html, markup=markup)
        return message

    def _reply_to(self, params: Params, chat_id: int) -> dict[str, Any] | None:
        reply = params.json("reply_parameters")
        message_id = reply.get("message_id") if isinstance(reply, dict) else params.int("reply_to_message_id")
        if message_id is None:
            return None
        original = self.state.messages.get((chat_id, int(message_id)))
        if original is None:
            raise bad_request("message to be replied not found")
        return {k: v for k, v in original.items() if k != "reply_to_message"}

    def _own_message(self, params: Params, verb: str) -> dict[str, Any]:
        if params.has("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        chat_id = params.require_int("chat_id")
        message_id = params.require_int("message_id")
        message = self.state.messages.get((chat_id, message_id))
        if message is None:
            raise bad_request(f"message to {verb} not found")
        if message["from"]["id"] != self.state.bot_id and verb == "edit":
            raise bad_request("message can't be edited")
        return message

    def _file(self, ref: Upload | str | None, *, folder: str, extension: str) -> StoredFile:
        if isinstance(ref, Upload):
            return self.state.store_file(
                ref.data,
                folder=folder,
                extension=extension,
                mime_type=ref.content_type,
                file_name=ref.filename,
            )
        if isinstance(ref, str) and ref in self.state.files:
            return self.state.files[ref]
        raise bad_request(
            "wrong remote file identifier specified: Wrong string length"
            if ref
            else "there is no photo in the request"
        )

    # --- identity and updates ---------------------------------------------------------------

    async def getMe(self, params: Params) -> Any:  # noqa: N802 - Bot API names
        return {
            **self.state.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def getUpdates(self, params: Params) -> Any:  # noqa: N802
        if self.state.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        await self.state.notify()  # wake an older poller so that it answers 409 at once
        offset = params.int("offset")
        limit = max(1, min(100, params.int("limit", 100) or 100))
        deadline = time.monotonic() + max(0, min(50, params.int("timeout", 0) or 0))
        if offset is not None and offset > 0:
            self.state.confirm_below(offset)
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_POLL)
            if offset is not None and offset < 0:
                batch = self.state.updates[offset:][:limit]
            else:
                batch = [u for u in self.state.updates if offset is None or u["update_id"] >= offset]
                batch = batch[:limit]
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self.state.closing:
                return batch
            async with self.state.changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.state.changed.wait(), timeout=remaining)

    async def setWebhook(self, params: Params) -> Any:  # noqa: N802
        url = params.require_str("url")
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.str("secret_token") or ""
        if len(secret) > 256 or not SECRET_RE.match(secret):
            raise bad_request("secret token contains unallowed characters")
        connections = params.int("max_connections", 40) or 40
        if not 1 <= connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        self.state.webhook_url, self.state.webhook_secret = url, secret
        self.state.webhook_max_connections = connections
        self.state.webhook_last_error = None
        if params.bool("drop_pending_updates"):
            self.state.updates.clear()
        return True

    async def deleteWebhook(self, params: Params) -> Any:  # noqa: N802
        self.state.webhook_url = self.state.webhook_secret = ""
        if params.bool("drop_pending_updates"):
            self.state.updates.clear()
        return True

    async def getWebhookInfo(self, params: Params) -> Any:  # noqa: N802
        return {
            "url": self.state.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
            **({"max_connections": self.state.webhook_max_connections} if self.state.webhook_url else {}),
            **_last_error(self.state.webhook_last_error),
        }

    async def setMyCommands(self, params: Params) -> Any:  # noqa: N802
        commands = params.json("commands") or []
        for command in commands:
            name = str(command.get("command", ""))
            if not (1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower()):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.state.commands[_scope_key(params)] = list(commands)
        return True

    async def getMyCommands(self, params: Params) -> Any:  # noqa: N802
        return self.state.commands.get(_scope_key(params), [])

    async def deleteMyCommands(self, params: Params) -> Any:  # noqa: N802
        self.state.commands.pop(_scope_key(params), None)
        return True

    async def getChat(self, params: Params) -> Any:  # noqa: N802
        chat = self.state.chat(params.require_int("chat_id"))
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11}

    async def sendChatAction(self, params: Params) -> Any:  # noqa: N802
        self._target_chat(params)
        return True

    # --- sending ----------------------------------------------------------------------------

    async def sendMessage(self, params: Params) -> Any:  # noqa: N802
        chat = self._target_chat(params)
        if not (params.str("text") or "").strip():
            raise bad_request("message text is empty")
        text, html = self._formatted(params, "text", MAX_TEXT, "message is too long")
        markup = self._markup(params)
        reply_to = self._reply_to(params, chat["id"])
        self._rate_limit(chat)
        message = self._send(chat, html, text=text, reply_markup=markup, reply_to_message=reply_to)
        await self.state.notify()
        return message

    async def _send_media(self, params: Params, kind: str) -> dict[str, Any]:
        chat = self._target_chat(params)
        caption, html = self._formatted(params, "caption", MAX_CAPTION, "message caption is too long")
        markup = self._markup(params)
        reply_to = self._reply_to(params, chat["id"])
        stored = self._file(
            params.file_ref(kind),
            folder="photos" if kind == "photo" else "documents",
            extension="jpg" if kind == "photo" else "bin",
        )
        self._rate_limit(chat)
        message = self._send(
            chat,
            html,
            caption=caption or None,
            reply_markup=markup,
            reply_to_message=reply_to,
            **{kind: media_json(stored, kind)},
        )
        await self.state.notify()
        return message

    async def sendPhoto(self, params: Params) -> Any:  # noqa: N802
        return await self._send_media(params, "photo")

    async def sendDocument(self, params: Params) -> Any:  # noqa: N802
        return await self._send_media(params, "document")

    async def sendMediaGroup(self, params: Params) -> Any:  # noqa: N802
        chat = self._target_chat(params)
        media = params.json("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media in the album: must be 2-10")
        files = []
        for item in media:
            kind = item.get("type")
            if kind not in ("photo", "document"):
                raise bad_request(f"unsupported media type {kind!r} in the emulator")
            if utf16_length(str(item.get("caption") or "")) > MAX_CAPTION:
                raise bad_request("message caption is too long")
            ref = Params({"media": item.get("media")}, params.uploads).file_ref("media")
            files.append((kind, item, self._file(ref, folder=f"{kind}s", extension="jpg")))
        self._rate_limit(chat)
        group_id = str(int(time.time() * 1000))
        messages = [
            self._send(
                chat,
                None,
                media_group_id=group_id,
                caption=item.get("caption"),
                **{kind: media_json(stored, kind)},
            )
            for kind, item, stored in files
        ]
        await self.state.notify()
        return messages

    # --- changing sent messages -------------------------------------------------------------

    async def editMessageText(self, params: Params) -> Any:  # noqa: N802
        message = self._own_message(params, "edit")
        if not (params.str("text") or "").strip():
            raise bad_request("message text is empty")
        text, html = self._formatted(params, "text", MAX_TEXT, "MESSAGE_TOO_LONG")
        return await self._edit(message, html, text=text, reply_markup=self._markup(params))

    async def editMessageReplyMarkup(self, params: Params) -> Any:  # noqa: N802
        message = self._own_message(params, "edit")
        return await self._edit(
            message, self.state.html_of.get(_key(message)), reply_markup=self._markup(params)
        )

    async def editMessageCaption(self, params: Params) -> Any:  # noqa: N802
        message = self._own_message(params, "edit")
        caption, html = self._formatted(params, "caption", MAX_CAPTION, "message caption is too long")
        return await self._edit(message, html, caption=caption, reply_markup=self._markup(params))

    async def _edit(self, message: dict[str, Any], html: str | None, **changes: Any) -> Any:
        if "reply_markup" in changes and changes["reply_markup"] is None:
            changes["reply_markup"] = None
        merged = {**message, **changes}
        if merged.get("reply_markup") is None:
            merged.pop("reply_markup", None)
        comparable = ("text", "caption", "reply_markup")
        if all(merged.get(k) == message.get(k) for k in comparable) and html == self.state.html_of.get(
            _key(message)
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup "
                "of the message"
            )
        merged["edit_date"] = int(time.time())
        self.state.messages[_key(message)] = merged
        if html is not None:
            self.state.html_of[_key(message)] = html
        self.state.record("edit", message["chat"]["id"], merged, html)
        await self.state.notify()
        return merged

    async def deleteMessage(self, params: Params) -> Any:  # noqa: N802
        message = self._own_message(params, "delete")
        del self.state.messages[_key(message)]
        self.state.record("delete", message["chat"]["id"], message)
        await self.state.notify()
        return True

    async def answerCallbackQuery(self, params: Params) -> Any:  # noqa: N802
        query_id = params.require_str("callback_query_id")
        if query_id not in self.state.callback_answers or self.state.callback_answers[query_id]:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = params.str("text") or ""
        if len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        answer = {"text": text, "show_alert": params.bool("show_alert")}
        self.state.callback_answers[query_id] = answer
        chat_id = self.state.callback_chats.pop(query_id, None)
        if chat_id is not None:  # the toast the user sees, in the chat's order of events
            self.state.record("answer", chat_id, {"callback_query_id": query_id, **answer})
        await self.state.notify()
        return True

    # --- files ------------------------------------------------------------------------------

    async def getFile(self, params: Params) -> Any:  # noqa: N802
        file_id = params.require_str("file_id")
        stored = self.state.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    async def close(self, params: Params) -> Any:
        return True

    async def logOut(self, params: Params) -> Any:  # noqa: N802
        return True


def _scope_key(params: Params) -> str:
    scope = params.json("scope") or {"type": "default"}
    key = str(scope.get("type", "default"))
    if "chat_id" in scope:
        key += f":{scope['chat_id']}"
    return key


def _key(message: dict[str, Any]) -> tuple[int, int]:
    return message["chat"]["id"], message["message_id"]


def media_json(stored: StoredFile, kind: str, width: int = 1280, height: int = 960) -> Any:
    """The JSON Telegram gives for a stored photo (a list of sizes) or document."""
    base = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    if kind == "photo":
        return [{**base, "width": width, "height": height}]
    document = {**base}
    if stored.file_name:
        document["file_name"] = stored.file_name
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return document


METHODS = {name.lower(): name for name in dir(BotApi) if name[:1].islower() and not name.startswith("_")}
