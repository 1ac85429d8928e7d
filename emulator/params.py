"""Request parameters as python-telegram-bot sends them: form fields, JSON strings, uploads."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from emulator.state import bad_request, check_utf8


@dataclass
class Upload:
    name: str
    data: bytes
    filename: str | None
    content_type: str | None


@dataclass
class Params:
    """Form-encoded values (nested objects are JSON strings), JSON bodies and multipart parts."""

    values: dict[str, Any]
    uploads: dict[str, Upload] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.uploads

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name, default)
        if value is None:
            return None
        check_utf8(value, "strings")  # Telegram: "strings must be encoded in UTF-8"
        return str(value)

    def require_str(self, name: str) -> str:
        value = self.str(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty" if name == "text" else f"parameter {name} is required")
        return value

    def int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def require_int(self, name: str) -> int:
        value = self.int(name)
        if value is None:
            raise bad_request(f"{name} is required" if name != "chat_id" else "chat_id is empty")
        return value

    def bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1")

    def json(self, name: str) -> Any:
        value = self.values.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def file_ref(self, name: str) -> Upload | str | None:
        """An upload (direct or attach://), or a file_id string."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            part = self.uploads.get(value.removeprefix("attach://"))
            if part is None:
                raise bad_request(f"wrong HTTP URL specified for {name}")
            return part
        return value if isinstance(value, str) and value else None
