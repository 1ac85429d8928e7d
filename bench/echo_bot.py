"""The baseline of bench/updates.py: a minimal python-telegram-bot echo bot, as its examples write one.

It echoes each text under one inline button and answers each press; PTB's own updater, no
database, no rate limiter. Reads TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL.
"""

from __future__ import annotations

import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters

BUTTON = InlineKeyboardMarkup([[InlineKeyboardButton("⏳ Đang thực hiện", callback_data="prog")]])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo the text."""
    if update.message is not None and update.message.text:
        await update.message.reply_text(update.message.text, reply_markup=BUTTON)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press."""
    if update.callback_query is not None:
        await update.callback_query.answer()


def main() -> None:
    base = os.environ["TELEGRAM_API_BASE_URL"]
    app = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    app.run_polling(poll_interval=0, timeout=10)


if __name__ == "__main__":
    main()
