"""The sandbox's chat in the terminal: everything a phone does, typed as one line each."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import sandbox_texts as texts
from bot.sandbox_commands import COMMANDS
from bot.sandbox_people import persona_labels
from bot.sandbox_seed import GROUP_ID, GROUP_TITLE, PERSONAS, SAMPLES_DIR, Persona
from bot.sandbox_shown import image_suffix, keyboard_button

REPLY_WAIT = 30.0  # seconds the console waits for the bot to finish one update
TTY_LINE_LIMIT = 4095  # bytes a Linux terminal keeps of one typed line (N_TTY_BUF_SIZE less the newline)


class EmulatorLike(Protocol):
    """What the console needs of the emulator (bot/ imports the emulator only in bot/sandbox.py)."""

    state: Any
    users: Any

    async def control(self, action: str, spec: dict[str, Any]) -> Any: ...


@dataclass
class ChatView:
    """What the console knows of one chat: how far it was shown, and what can be pressed."""

    seen: int = 0  # the last record shown
    announced: int = 0  # unseen messages already announced
    buttons_on: int | None = None  # the last message shown with inline buttons
    last_from_bot: int | None = None  # the last message the bot sent: what :tl answers


class Console:
    """What you type goes to the bot as the chosen persona; what the bot does is printed."""

    def __init__(
        self,
        emulator: EmulatorLike,
        out: TextIO,
        files_dir: Path,
        processed: Callable[[int], Awaitable[bool]],
        memory: Path | None = None,
        db: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self.emulator, self.out, self.files_dir = emulator, out, files_dir
        self.db, self.labels = db, {p.telegram_id: p.label for p in PERSONAS}  # the bot's database
        self.memory = memory  # what was shown of each chat, kept across restarts
        self.processed = processed  # has the bot finished the update with this id?
        self.persona = PERSONAS[1]
        self.in_group = False
        self.views: dict[int, ChatView] = {}
        self.cursor = 0  # records read by the watcher
        # While you act (or switch), what the bot shows is the answer: :bam and :tl aim at it.
        # A push arriving at another moment does not move their aim (use :bam #ID N for it).
        self.answering = False
        self.tty = False  # typed at a terminal, whose lines are cut at TTY_LINE_LIMIT bytes

    @property
    def chat_id(self) -> int:
        return GROUP_ID if self.in_group else self.persona.telegram_id

    def view(self, chat_id: int | None = None) -> ChatView:
        return self.views.setdefault(self.chat_id if chat_id is None else chat_id, ChatView())

    def help_text(self) -> str:
        samples = self.files_dir.parent / SAMPLES_DIR
        return texts.HELP.format(group=GROUP_TITLE, files=self.files_dir, samples=samples)

    def label(self, persona: Persona) -> str:
        """Who the persona is, as the database said when last asked (see refresh_labels)."""
        return self.labels.get(persona.telegram_id, persona.label)

    async def refresh_labels(self) -> None:
        """Ask the database who each persona is now: Tâm after :sdt, the stranger after /start <mã>."""
        if self.db is not None:
            self.labels = await persona_labels(self.db)

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    # --- the loop ---------------------------------------------------------------------------

    async def run(self, next_line: Callable[[], Awaitable[str | None]]) -> None:
        """Read lines until :thoat or the end of input; print the bot's news meanwhile."""
        self.say(self.help_text())
        self._recall()
        self.cursor = self._last_seq()
        await self.refresh_labels()
        self.switch()  # who you play, and what came for them before a restart
        for chat_id in {r.chat_id for r in self.emulator.state.records if r.chat_id != self.chat_id}:
            self._announce(chat_id)  # what came before a restart and was not seen yet
        watcher = asyncio.create_task(self._watch())
        try:
            while True:
                self.say(f"[{self._prompt()}] >")
                line = await next_line()
                if line is None or line.strip() in (":thoat", ":quit", ":q"):
                    return
                if problem := self._unusable(line):
                    self.say(problem)
                elif line.strip():
                    await self.handle(line.strip())
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            self._remember()

    def _unusable(self, line: str) -> str | None:
        """Why a typed line must not be sent: a terminal cuts a line at 4,095 bytes, often inside
        a letter (the lost bytes arrive as lone surrogates), and the rest of the text is gone."""
        try:
            raw = line.rstrip("\r\n").encode("utf-8", "surrogateescape")
            raw.decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return texts.LINE_CUT.format(limit=TTY_LINE_LIMIT) if self.tty else texts.LINE_BROKEN
        if self.tty and len(raw) >= TTY_LINE_LIMIT:
            return texts.LINE_CUT.format(limit=TTY_LINE_LIMIT)
        return None

    def _recall(self) -> None:
        if self.memory is not None and self.memory.exists():
            for chat_id, view in json.loads(self.memory.read_text(encoding="utf-8")).items():
                self.views[int(chat_id)] = ChatView(**{**view, "announced": 0})

    def _remember(self) -> None:
        if self.memory is not None:
            views = {chat_id: asdict(view) for chat_id, view in self.views.items()}
            self.memory.write_text(json.dumps(views), encoding="utf-8")

    def _prompt(self) -> str:
        name = self.persona.first_name
        return f"{name} @ {GROUP_TITLE}" if self.in_group else name

    async def _watch(self) -> None:
        """Print what happens in the chat in view; announce what arrives in the others."""
        state = self.emulator.state
        while True:
            async with state.changed:
                await state.changed.wait()
            await self.refresh_labels()
            self.catch_up()

    def catch_up(self) -> None:
        """Show what is new in the chat in view; announce the chats with new messages."""
        news: set[int] = set()  # other chats the bot wrote to
        for record in self.emulator.state.records:
            if record.seq <= self.cursor or record.kind == "user":
                continue
            if record.chat_id == self.chat_id:
                if record.seq > self.view().seen:  # not shown yet (a switch shows the backlog)
                    self.show(record)
            elif record.kind == "send":
                news.add(record.chat_id)
        self.cursor = max(self.cursor, self._last_seq())
        for chat_id in news:
            self._announce(chat_id)

    def _announce(self, chat_id: int) -> None:
        view = self.view(chat_id)
        unseen = [r for r in self._unseen(chat_id) if r.kind == "send"]
        if len(unseen) <= view.announced:
            return
        view.announced = len(unseen)
        if chat_id == GROUP_ID:
            self.say(texts.UNSEEN_GROUP.format(count=len(unseen), group=GROUP_TITLE))
            return
        for number, persona in enumerate(PERSONAS, 1):
            if persona.telegram_id == chat_id:
                name = self.label(persona).split(" (")[0]
                self.say(texts.UNSEEN.format(count=len(unseen), name=name, number=number))

    def _unseen(self, chat_id: int) -> list[Any]:
        return self._news(chat_id, after=self.view(chat_id).seen)

    def _news(self, chat_id: int, *, after: int) -> list[Any]:
        """What the bot did in the chat after record `after` (sends, edits, deletions, toasts)."""
        records = self.emulator.state.records
        return [r for r in records if r.seq > after and r.chat_id == chat_id and r.kind != "user"]

    def _last_seq(self) -> int:
        records = self.emulator.state.records
        return records[-1].seq if records else 0

    def switch(self, persona: Persona | None = None, *, group: bool = False) -> None:
        """Play another persona (or talk in the group) and show what came for them meanwhile."""
        self.persona, self.in_group = persona or self.persona, group
        if group:
            self.say(texts.IN_GROUP.format(group=GROUP_TITLE, name=self.persona.first_name))
        else:
            self.say(texts.PLAYING.format(label=self.label(self.persona)))
        self.answering = True
        for record in self._unseen(self.chat_id):
            self.show(record)
        self.answering = False

    # --- showing what the bot did ------------------------------------------------------------

    def show(self, record: Any) -> None:
        view = self.view(record.chat_id)
        view.seen, view.announced = max(view.seen, record.seq), 0
        message = record.message
        if record.kind == "answer":
            if message.get("text"):
                template = texts.ALERT if message.get("show_alert") else texts.TOAST
                self.say(template.format(text=message["text"]))
            return
        if record.kind == "delete":
            self.say(texts.DELETED.format(id=message["message_id"]))
            return
        verb = texts.EDITED if record.kind == "edit" else ""
        self.say(texts.BOT.format(id=message["message_id"], verb=verb))
        body = message.get("text") or message.get("caption") or ""
        if "photo" in message:
            body = f"{texts.PHOTO} {body}".strip()
        if body:
            self.say(body)
        self._save_file(record.chat_id, message)
        if record.kind == "send" and (self.answering or view.last_from_bot is None):
            view.last_from_bot = message["message_id"]
        markup = record.markup or message.get("reply_markup") or {}
        buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
        if buttons and (self.answering or view.buttons_on is None):
            view.buttons_on = message["message_id"]
        if buttons:
            self.say("   " + "  ".join(f"[{i}] {b['text']}" for i, b in enumerate(buttons, 1)))
        elif record.kind == "edit" and view.buttons_on == message["message_id"]:
            view.buttons_on = None  # the edit took the buttons away
        for row in markup.get("keyboard", []):
            self.say("   " + "  ".join(keyboard_button(b) for b in row))

    def _save_file(self, chat_id: int, message: dict[str, Any]) -> None:
        """A workbook or chart the bot sent is written under the data folder, and named."""
        media = message.get("document") or (message.get("photo") or [None])[-1]
        stored = self.emulator.state.files.get(media["file_id"]) if media else None
        if stored is None:
            return
        name = media.get("file_name") or f"anh.{image_suffix(stored.data)}"
        path = self.files_dir / str(chat_id) / f"{message['message_id']}-{Path(name).name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(stored.data)
        self.say(texts.SAVED.format(path=path))

    # --- what you type ----------------------------------------------------------------------

    async def handle(self, line: str) -> None:
        """One typed line: a console command (':...') or a message to the bot."""
        after = self._last_seq()
        self.answering = True
        try:
            await self._handle(line, after)
        finally:
            self.answering = False

    async def _handle(self, line: str, after: int) -> None:
        try:
            update_id = await self._act(line, reply_to=None)
        except (ValueError, IndexError):
            self.say(texts.BAD_COMMAND.format(line=line))
            return
        except FileNotFoundError as exc:
            self.say(texts.NO_FILE.format(path=exc.filename))
            return
        except OSError as exc:
            self.say(texts.UNREADABLE.format(path=exc.filename, reason=exc.strerror))
            return
        except Exception as exc:  # the emulator refused, as Telegram would (a button gone, ...)
            self.say(texts.REFUSED.format(reason=exc))
            return
        if update_id is not None:
            await self._wait_for_bot(after, update_id)

    async def _act(self, line: str, *, reply_to: int | None) -> int | None:
        """Do what the line says; the id of the update the bot gets from it, if any."""
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        spec: dict[str, Any] = {"user_id": self.persona.telegram_id, "chat_id": self.chat_id}
        if reply_to is not None:
            spec["reply_to_message_id"] = reply_to
        if not line.startswith(":"):
            sent = await self.emulator.control("message", {**spec, "text": line})
            return int(sent["update_id"])
        action = COMMANDS.get(command)
        if action is None:
            self.say(texts.BAD_COMMAND.format(line=line))
            return None
        return await action(self, rest, spec)

    async def _wait_for_bot(self, after: int, update_id: int) -> None:
        """Until the bot has finished the update (its answer may be several messages and files)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_WAIT
        while not await self.processed(update_id) and loop.time() < deadline:  # noqa: ASYNC110 (polls the db)
            await asyncio.sleep(0.05)
        await self.refresh_labels()
        self.catch_up()
        if not self._news(self.chat_id, after=after):
            self.say(texts.NO_ANSWER)
