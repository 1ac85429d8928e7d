"""The console's own commands (':chon 3', ':bam 1', ':tl 5/12', ':anh nha.jpg bàn giao', ...)."""

from __future__ import annotations

import asyncio
import mimetypes
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import sandbox_texts as texts
from bot.sandbox_seed import PERSONAS
from domain.vntext import accent_free_key

if TYPE_CHECKING:
    from bot.sandbox_console import Console

Command = Callable[["Console", str, dict[str, Any]], Awaitable[int | None]]
_MESSAGE_ID = re.compile(r"^#(\d+)\s*(.*)$", re.S)
_BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?")  # as Telegram reads one
# Buttons that undo or refuse: pressed by their own words only, never by words they contain.
_UNDOING = ("↩", "✖", "❌")


def _message_id(rest: str) -> tuple[int | None, str]:
    """'#12 rest' -> (12, 'rest'); 'rest' -> (None, 'rest')."""
    match = _MESSAGE_ID.match(rest)
    return (int(match.group(1)), match.group(2).strip()) if match else (None, rest)


async def show_help(console: Console, rest: str, spec: dict[str, Any]) -> int | None:
    console.say(console.help_text())
    return None


async def list_personas(console: Console, rest: str, spec: dict[str, Any]) -> int | None:
    await console.refresh_labels()
    for number, persona in enumerate(PERSONAS, 1):
        console.say(texts.PERSONA_LINE.format(number=number, label=console.label(persona)))
    return None


async def choose(console: Console, rest: str, spec: dict[str, Any]) -> int | None:
    number = int(rest)
    if not 1 <= number <= len(PERSONAS):
        console.say(texts.NO_PERSONA.format(number=number))
        return None
    await console.refresh_labels()
    console.switch(PERSONAS[number - 1])
    return None


async def to_group(console: Console, rest: str, spec: dict[str, Any]) -> int | None:
    console.switch(group=True)
    return None


async def to_private(console: Console, rest: str, spec: dict[str, Any]) -> int | None:
    console.switch(group=False)
    return None


async def press(console: Console, rest: str, spec: dict[str, Any]) -> int | None:
    """The Nth button of the last message shown with buttons (or of message #ID), as it is now."""
    message_id, which = _message_id(rest)
    message_id = message_id or console.view().buttons_on or _latest_from_bot(console, with_buttons=True)
    if message_id is None:
        console.say(texts.NO_BUTTONS)
        return None
    message = console.emulator.state.messages.get((console.chat_id, message_id))
    if message is None:
        console.say(texts.NO_MESSAGE.format(id=message_id))
        return None
    buttons = [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
    number = _button_number(which, [b["text"] for b in buttons])
    if not 1 <= number <= len(buttons):
        template = texts.NO_BUTTON if which.isdigit() else texts.NO_LABEL
        console.say(template.format(number=which, label=which, id=message_id))
        return None
    data = buttons[number - 1].get("callback_data", "")
    sent = await console.emulator.control("press", {**spec, "message_id": message_id, "data": data})
    return int(sent["update_id"])


def _button_number(which: str, labels: list[str]) -> int:
    """'3' is the third button; words pick the one button whose label is, starts with, or holds
    them, in that order ('đồng ý' is 'Đồng ý gia hạn', not 'Không đồng ý'); accents optional."""
    if which.isdigit():
        return int(which)
    if not which:
        raise ValueError("which button?")
    wanted = accent_free_key(which)
    keys = [accent_free_key(label) for label in labels]
    for fits in (str.__eq__, str.startswith, str.__contains__):  # the closest fit decides
        found = [i for i, key in enumerate(keys, 1) if fits(key, wanted)]
        if fits is str.__contains__:  # 'hoan thanh' must not press '↩️ Rút báo hoàn thành'
            found = [i for i in found if not labels[i - 1].startswith(_UNDOING)]
        if found:
            return found[0] if len(found) == 1 else 0
    return 0


async def reply(console: Console, rest: str, spec: dict[str, Any]) -> int | None:
    """Reply to the bot's last message (or #ID) with text, or with another console command."""
    message_id, what = _message_id(rest)
    message_id = message_id or console.view().last_from_bot or _latest_from_bot(console)
    if message_id is None:
        console.say(texts.NOTHING_TO_REPLY)
        return None
    if not what:
        raise ValueError("nothing to reply with")
    return await console._act(what, reply_to=message_id)


def _latest_from_bot(console: Console, *, with_buttons: bool = False) -> int | None:
    """The newest message of the bot in this chat (with buttons), e.g. from before a restart."""
    state = console.emulator.state
    ids = [
        message_id
        for (chat_id, message_id), message in state.messages.items()
        if chat_id == console.chat_id
        and message["from"]["id"] == state.bot_id
        and (not with_buttons or message.get("reply_markup", {}).get("inline_keyboard"))
    ]
    return max(ids, default=None)


def _file_and_caption(rest: str) -> tuple[Path, str | None]:
    """'a b.jpg' is one file when it exists; otherwise the first word is the file."""
    whole = Path(rest).expanduser()
    if rest and whole.is_file():
        return whole, None
    name, _, caption = rest.partition(" ")
    if not name:
        raise ValueError("no file named")
    return Path(name).expanduser(), caption.strip() or None


async def photo(console: Console, rest: str, spec: dict[str, Any]) -> int | None:
    path, caption = _file_and_caption(rest)
    data = await asyncio.to_thread(path.read_bytes)
    sent = await console.emulator.users.photo({**spec, "caption": caption}, data)
    return int(sent["update_id"])


async def document(console: Console, rest: str, spec: dict[str, Any]) -> int | None:
    path, caption = _file_and_caption(rest)
    data = await asyncio.to_thread(path.read_bytes)
    mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    sent = await console.emulator.users.document(
        {**spec, "caption": caption, "file_name": path.name, "mime_type": mime_type}, data
    )
    return int(sent["update_id"])


async def paste(console: Console, rest: str, spec: dict[str, Any]) -> int | None:
    """':dan FILE' sends a text file as one message, its line breaks kept, as a paste on a phone;
    ':dan /vanban FILE' puts the command before it."""
    first, _, after = rest.partition(" ")
    command, name = (first, after) if _BOT_COMMAND.fullmatch(first) else ("", rest)  # /tmp/vb.txt: a file
    if not name.strip():
        raise ValueError("no file named")
    path = name.strip()
    text = await asyncio.to_thread(lambda: Path(path).expanduser().read_text(encoding="utf-8"))
    sent = await console.emulator.control("message", {**spec, "text": f"{command} {text}".strip()})
    return int(sent["update_id"])


async def contact(console: Console, rest: str, spec: dict[str, Any]) -> int | None:
    if not rest:
        raise ValueError("no phone number")
    sent = await console.emulator.control("contact", {**spec, "phone_number": rest})
    return int(sent["update_id"])


async def location(console: Console, rest: str, spec: dict[str, Any]) -> int | None:
    latitude, longitude = (float(part) for part in rest.replace(",", " ").split())
    sent = await console.emulator.control("location", {**spec, "latitude": latitude, "longitude": longitude})
    return int(sent["update_id"])


COMMANDS: dict[str, Command] = {
    ":?": show_help,
    ":help": show_help,
    ":giup": show_help,
    ":ds": list_personas,
    ":chon": choose,
    ":nhom": to_group,
    ":rieng": to_private,
    ":bam": press,
    ":tl": reply,
    ":anh": photo,
    ":tep": document,
    ":dan": paste,
    ":sdt": contact,
    ":vitri": location,
}
