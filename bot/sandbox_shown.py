"""How the console shows what the bot sent: the buttons of a reply keyboard, a saved photo's name."""

from __future__ import annotations

import io
from typing import Any

from bot import sandbox_texts as texts


def image_suffix(data: bytes) -> str:
    """A photo is named for what it holds: the emulator keeps what the bot sent (the digest's chart
    is a PNG), where Telegram would have made a JPEG of it."""
    from PIL import Image, UnidentifiedImageError  # loaded when a photo comes, not at start-up

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = (image.format or "JPEG").lower()
    except (UnidentifiedImageError, OSError):
        return "jpg"
    return "jpg" if kind == "jpeg" else kind


def keyboard_button(button: dict[str, Any] | str) -> str:
    """A button of a reply keyboard, and how to tap it from the console."""
    if isinstance(button, str):
        return f"⌨ {button}"
    how = texts.TAP_CONTACT if button.get("request_contact") else texts.TAP_TEXT
    return f"⌨ {button['text']} {how}"
