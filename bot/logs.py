"""Logging for operators: one line per event, the token never printed, noisy libraries quieted.

Every line written while an update is handled carries that update's id, the Telegram user, the
official and the handler (`LOG_FORMAT=json` writes one JSON object per line for a log collector;
the default text format appends the same fields in brackets)."""

from __future__ import annotations

import contextvars
import logging
from typing import Any, Literal

LogFormat = Literal["text", "json"]
CONTEXT_FIELDS = ("update_id", "user_id", "official_id", "handler")

# The fields of the update being handled; the inbox sets a fresh dict for each update.
_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("log_context", default=None)


def bind_update(**fields: Any) -> contextvars.Token[dict[str, Any] | None]:
    """Start an update's log context (reset it with `unbind`)."""
    return _context.set({key: value for key, value in fields.items() if value is not None})


def unbind(token: contextvars.Token[dict[str, Any] | None]) -> None:
    _context.reset(token)


def annotate(**fields: Any) -> None:
    """Add fields to the current update's context (the official once known, the handler that runs)."""
    current = _context.get()
    if current is not None:
        current.update({key: value for key, value in fields.items() if value is not None})


class ContextFilter(logging.Filter):
    """Copy the update's context onto each record (nothing outside an update)."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = _context.get() or {}
        for field in CONTEXT_FIELDS:
            if field in current:
                setattr(record, field, current[field])
        record.context = " ".join(f"{key}={current[key]}" for key in CONTEXT_FIELDS if key in current)
        return True


class RedactFilter(logging.Filter):
    """Replace every occurrence of a secret (the bot token) in log records."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if any(secret in message for secret in self.secrets):
                for secret in self.secrets:
                    message = message.replace(secret, "<token>")
                record.msg, record.args = message, None
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = getattr(record, "context", "")
        if not context:
            return line
        head, newline, rest = line.partition("\n")  # a traceback stays below the event's line
        return f"{head} [{context}]{newline}{rest}"


def formatter(fmt: LogFormat) -> logging.Formatter:
    if fmt == "json":
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            reserved_attrs=[*_RESERVED, "context"],
            json_ensure_ascii=False,
        )
    return TextFormatter()


def setup_logging(level: str, *, secrets: list[str], fmt: LogFormat = "text") -> None:
    """Configure the root logger once, at start-up."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(fmt))
    handler.addFilter(RedactFilter(secrets))
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL carries the token.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


# LogRecord's own attributes, which the JSON line leaves out unless the format names them.
_RESERVED = [
    *logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys(),
    "message",
    "asctime",
]
