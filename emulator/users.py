"""What the emulated users do: write, send photos and files, share contacts, press buttons."""

from __future__ import annotations

import re
from typing import Any

from emulator.botapi import media_json
from emulator.state import State, bad_request, check_utf8

_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?")


class UserActions:
    """Each action records the user's message and queues the update Telegram would deliver."""

    def __init__(self, state: State) -> None:
        self.state = state

    def _chat_for(self, spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        user = self.state.user(int(spec["user_id"]))
        chat_id = spec.get("chat_id")
        if chat_id is None or int(chat_id) == user["id"]:
            chat = self.state.private_chat(user["id"])
            self.state.started.add(user["id"])
            self.state.blocked.discard(user["id"])
        else:
            chat = self.state.chat(int(chat_id))
        return user, chat

    async def _post(self, spec: dict[str, Any], **content: Any) -> dict[str, Any]:
        for name in ("text", "caption"):  # a Telegram client sends only valid UTF-8
            check_utf8(content.get(name), name)
        user, chat = self._chat_for(spec)
        reply_id = spec.get("reply_to_message_id")
        if reply_id is not None:
            original = self.state.messages.get((chat["id"], int(reply_id)))
            if original is None:
                raise bad_request("message to be replied not found")
            content["reply_to_message"] = {k: v for k, v in original.items() if k != "reply_to_message"}
        message = self.state.new_message(chat["id"], user, date=spec.get("date"), **content)
        record = self.state.record("user", chat["id"], message)
        update = self.state.push_update(message=message)
        await self.state.notify()
        return {"update_id": update["update_id"], "message": message, "seq": record.seq}

    async def text(self, spec: dict[str, Any]) -> dict[str, Any]:
        text = str(spec.get("text") or "")
        if not text:
            raise bad_request("message text is empty")
        entities = None
        match = _COMMAND_RE.match(text)
        if match:
            entities = [{"type": "bot_command", "offset": 0, "length": match.end()}]
        return await self._post(spec, text=text, entities=entities)

    async def photo(self, spec: dict[str, Any], data: bytes) -> dict[str, Any]:
        stored = self.state.store_file(data, folder="photos", extension="jpg", mime_type="image/jpeg")
        photo = media_json(stored, "photo", int(spec.get("width", 1280)), int(spec.get("height", 960)))
        return await self._post(
            spec,
            photo=photo,
            caption=spec.get("caption"),
            media_group_id=spec.get("media_group_id"),
        )

    async def document(self, spec: dict[str, Any], data: bytes) -> dict[str, Any]:
        name = str(spec.get("file_name") or "file.bin")
        extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
        stored = self.state.store_file(
            data,
            folder="documents",
            extension=extension,
            mime_type=spec.get("mime_type"),
            file_name=name,
        )
        return await self._post(spec, document=media_json(stored, "document"), caption=spec.get("caption"))

    async def contact(self, spec: dict[str, Any]) -> dict[str, Any]:
        user = self.state.user(int(spec["user_id"]))
        own = spec.get("own", True)
        contact = {
            "phone_number": str(spec["phone_number"]),
            "first_name": spec.get("first_name") or user["first_name"],
        }
        if own:
            contact["user_id"] = user["id"]
        return await self._post(spec, contact=contact)

    async def location(self, spec: dict[str, Any]) -> dict[str, Any]:
        location = {"latitude": float(spec["latitude"]), "longitude": float(spec["longitude"])}
        return await self._post(spec, location=location)

    async def press(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Press an inline button of a message; only a button that is there can be pressed."""
        user, chat = self._chat_for(spec)
        message = self.state.messages.get((chat["id"], int(spec["message_id"])))
        if message is None:
            raise bad_request("message with the button not found")
        buttons = [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
        wanted = spec.get("data")
        if wanted is None and spec.get("text") is not None:
            wanted = next((b.get("callback_data") for b in buttons if b["text"] == spec["text"]), None)
        if wanted is None or not any(b.get("callback_data") == wanted for b in buttons):
            raise bad_request("no such button on the message")
        query_id = self.state.next_callback_id()
        self.state.callback_answers[query_id] = None
        query = {
            "id": query_id,
            "from": user,
            "message": message,
            "chat_instance": str(abs(chat["id"])),
            "data": wanted,
        }
        update = self.state.push_update(callback_query=query)
        seq = self.state.records[-1].seq if self.state.records else 0
        await self.state.notify()
        return {"update_id": update["update_id"], "callback_query_id": query_id, "seq": seq}

    async def forged_press(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A tampered client: a callback query with any data (or none) on any message of the chat."""
        user, chat = self._chat_for(spec)
        message = self.state.messages.get((chat["id"], int(spec["message_id"])))
        if message is None:
            raise bad_request("message with the button not found")
        query_id = self.state.next_callback_id()
        self.state.callback_answers[query_id] = None
        query = {"id": query_id, "from": user, "message": message, "chat_instance": str(abs(chat["id"]))}
        if spec.get("data") is not None:
            query["data"] = spec["data"]
        update = self.state.push_update(callback_query=query)
        await self.state.notify()
        return {"update_id": update["update_id"], "callback_query_id": query_id}
