"""The routing table: the only place where handlers are added, in order."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, TypeHandler, filters

from handlers import access, fallback, start


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register every handler. Order matters: access control runs first, in group -1."""
    # Group -1: resolve the caller (official or stranger) and drop unregistered group chats.
    app.add_handler(TypeHandler(Update, access.load_caller), group=-1)

    # Group 0: features, first match wins.
    app.add_handler(CommandHandler("start", start.start))
    app.add_handler(CommandHandler("help", start.show_help))

    # Last in group 0: anything no feature claimed gets a helpful answer, never silence.
    app.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, fallback.unknown_command)
    )
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, fallback.unrecognised)
    )
