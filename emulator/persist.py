"""The emulator's memory on disk, so that a restarted emulator is the same Telegram to the bot.

Telegram never reuses an update id, a message id in a chat or a file id; a bot that stored
update 700000005 drops a later update numbered 700000001 as already seen. A folder holds
`state.json` (users, chats, who started the bot, messages and the chats' history, pending
updates, every numbering) and `files/<file_id>` (the bytes of each file); it is rewritten after
each change, so a crash loses at most the change in hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from emulator.state import Record, State, StoredFile

STATE_FILE = "state.json"
RECORDS_KEPT = 2000  # the recent history is enough to show what was not read yet


def save(state: State, folder: Path) -> None:
    """Write the state to `folder` (atomically: a crash leaves the previous copy whole)."""
    files = folder / "files"
    files.mkdir(parents=True, exist_ok=True)
    for stored in state.files.values():
        path = files / stored.file_id
        if not path.exists():
            path.write_bytes(stored.data)
    data = {
        "bot_id": state.bot_id,
        "bot_username": state.bot_username,
        "users": list(state.users.values()),
        "chats": list(state.chats.values()),
        "started": sorted(state.started),
        "blocked": sorted(state.blocked),
        "messages": list(state.messages.values()),
        "html_of": [[chat, message, html] for (chat, message), html in state.html_of.items()],
        "files": [{k: v for k, v in vars(stored).items() if k != "data"} for stored in state.files.values()],
        "updates": state.updates,
        "records": [record.to_json() for record in state.records[-RECORDS_KEPT:]],
        "commands": state.commands,
        "webhook_url": state.webhook_url,
        "next_ids": state.next_ids,
        "next_message_ids": [[chat, value] for chat, value in state.next_message_ids.items()],
    }
    temporary = folder / (STATE_FILE + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, folder / STATE_FILE)


def load(state: State, folder: Path) -> bool:
    """Fill `state` from what `save` wrote; False when the folder holds no saved state."""
    path = folder / STATE_FILE
    if not path.exists():
        return False
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    state.bot_id = int(data["bot_id"]) or state.bot_id
    state.bot_username = data["bot_username"]
    state.users = {int(user["id"]): user for user in data["users"]}
    state.chats = {int(chat["id"]): chat for chat in data["chats"]}
    state.started = set(data["started"])
    state.blocked = set(data["blocked"])
    state.messages = {(m["chat"]["id"], m["message_id"]): m for m in data["messages"]}
    state.html_of = {(chat, message): html for chat, message, html in data["html_of"]}
    for meta in data["files"]:
        blob = folder / "files" / meta["file_id"]
        if blob.exists():
            state.files[meta["file_id"]] = StoredFile(data=blob.read_bytes(), **meta)
    state.updates = list(data["updates"])
    state.records = [Record(**record) for record in data.get("records", [])]
    state.commands = dict(data["commands"])
    state.webhook_url = data["webhook_url"]
    state.next_ids.update(data["next_ids"])
    state.next_message_ids = {int(chat): int(value) for chat, value in data["next_message_ids"]}
    return True
