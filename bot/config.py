"""Settings from the environment and .env, validated once at start-up (pydantic-settings)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.programmes import Programme, load_programmes
from domain.reminders import Policy
from domain.workdays import WorkCalendar
from storage.db import normalize_database_url

TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,80}$")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/nhacviec.db"


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the key in one line."""


class Settings(BaseSettings):
    """Every setting of nhacviec; .env.example mirrors this class line by line."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True)

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    database_url: str = DEFAULT_DATABASE_URL
    data_dir: Path = Path("./data")
    timezone: str = "Asia/Ho_Chi_Minh"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one JSON object a line, for a log collector
    poll_timeout: int = Field(default=25, ge=0, le=50)
    send_rate: float = Field(default=28.0, gt=0, le=30)  # outbox messages a second, all chats
    outgoing_limiter: bool = True  # handler replies keep a group's 20/min; off: benchmarks only
    bot_username: str | None = None  # for invitation links printed by the CLI; else asked via getMe
    reminder_days: str = "7,3,1,0"  # working days before the deadline; 0 = on the day
    reminder_time: str = "08:00"
    quiet_hours: str = "20:00-07:00"
    programme: str = "xoa_nha_tam"  # the housing programme households and photos belong to
    programmes_file: Path | None = None  # JSON list of further programmes (see domain/programmes.py)
    programme_deadline: str = "31/12/2026"  # dd/mm/yyyy: the pace needed is counted toward it
    handover_news: bool = True  # tell registered leaders' groups of each house handed over
    reminder_tick: int = Field(default=300, ge=0, le=3600)  # seconds between reminder ticks; 0: off
    # Seconds a job lease lasts: with several instances, the one holding it runs the recurring jobs;
    # another takes over within this (plus a third of it) when the holder dies (issue 14.2).
    job_lease: int = Field(default=45, ge=3, le=300)
    escalate_after: int = Field(default=3, ge=1, le=30)  # working days overdue before the head is told
    giao_ban: str = "T2 14:00"  # weekday (T2..T7, CN) and time of the weekly giao ban
    days_off: str = ""  # extra days off (nghỉ bù), dd/mm/yyyy separated by commas
    working_days: str = ""  # Saturdays worked in exchange, dd/mm/yyyy separated by commas
    webhook_url: str | None = None  # https://... : webhook mode (Telegram posts updates here)
    # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token; required with webhook_url.
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    webhook_listen: str = "127.0.0.1"  # the webhook server's address (0.0.0.0 in a container)
    webhook_port: int = Field(default=8080, ge=1, le=65535)

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value.get_secret_value() if isinstance(value, SecretStr) else value).strip()
        if not TOKEN_RE.match(text):
            # Never echo the value: a malformed token may still be most of a real one.
            raise ValueError("expected the form 123456789:AA... given by @BotFather")
        return text

    @field_validator("webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _blank_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https://[^/\s]+", value.strip()):
            raise ValueError(f"Telegram only posts to https:// addresses (got {value!r})")
        return value.strip() if value else None

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is not None and not re.match(r"^[A-Za-z0-9_-]{16,256}$", value.get_secret_value()):
            raise ValueError(
                "expected 16 to 256 characters A-Z, a-z, 0-9, _ or - (e.g. openssl rand -hex 32)"
            )
        if value is None and info.data.get("webhook_url"):
            raise ValueError("required with WEBHOOK_URL (e.g. openssl rand -hex 32)")
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"must start with http:// or https:// (got {value!r})")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = normalize_database_url(value.strip())
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:/// or postgresql+asyncpg:// "
                f"(got {value.split('://')[0]!r})"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("reminder_days")
    @classmethod
    def _days(cls, value: str) -> str:
        try:
            days = [int(part) for part in value.replace(" ", "").split(",") if part]
        except ValueError:
            raise ValueError(f"expected numbers separated by commas, like 7,3,1,0 (got {value!r})") from None
        if not days or any(d < 0 or d > 60 for d in days):
            raise ValueError("expected working days between 0 and 60, like 7,3,1,0")
        return ",".join(str(d) for d in sorted(set(days), reverse=True))

    @field_validator("reminder_time")
    @classmethod
    def _time(cls, value: str) -> str:
        _parse_time(value)
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        start, sep, end = value.partition("-")
        if not sep:
            raise ValueError(f"expected HH:MM-HH:MM, like 20:00-07:00 (got {value!r})")
        _parse_time(start)
        _parse_time(end)
        return value

    @field_validator("giao_ban")
    @classmethod
    def _giao_ban(cls, value: str) -> str:
        _parse_weekly(value)
        return value

    @field_validator("days_off", "working_days")
    @classmethod
    def _dates(cls, value: str, info: ValidationInfo) -> str:
        days = _parse_dates(value)
        if info.field_name == "working_days":
            both = sorted(set(days) & set(_parse_dates(info.data.get("days_off") or "")))
            if both:
                listed = ", ".join(f"{day:%d/%m/%Y}" for day in both)
                raise ValueError(f"{listed} is also in DAYS_OFF: a day is either off or worked")
        return value

    def reminder_policy(self) -> Policy:
        start, _, end = self.quiet_hours.partition("-")
        weekday, at = _parse_weekly(self.giao_ban)
        return Policy(
            days_before=tuple(int(d) for d in self.reminder_days.split(",")),
            send_at=_parse_time(self.reminder_time),
            quiet_start=_parse_time(start),
            quiet_end=_parse_time(end),
            escalate_after=self.escalate_after,
            giao_ban_weekday=weekday,
            giao_ban_at=at,
        )

    @field_validator("programmes_file", mode="before")
    @classmethod
    def _programmes_file(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        path = Path(str(value))
        if not path.is_file():
            raise ValueError(f"no such file: {path}")
        return path

    @field_validator("programme_deadline")
    @classmethod
    def _deadline(cls, value: str) -> str:
        _parse_dates(value)
        return value

    def current_programme(self) -> Programme:
        """The configured programme, with its deadline from PROGRAMME_DEADLINE."""
        text = self.programmes_file.read_text(encoding="utf-8") if self.programmes_file else None
        programmes = load_programmes(text)
        if self.programme not in programmes:
            raise ValueError(f"PROGRAMME {self.programme!r} is not defined")
        deadline = _parse_dates(self.programme_deadline)
        return dataclasses.replace(programmes[self.programme], deadline=deadline[0] if deadline else None)

    def work_calendar(self) -> WorkCalendar:
        return WorkCalendar(_parse_dates(self.days_off), _parse_dates(self.working_days))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None


_WEEKDAYS = {"t2": 0, "t3": 1, "t4": 2, "t5": 3, "t6": 4, "t7": 5, "cn": 6}


def _parse_time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text.strip().zfill(5))
    except ValueError:
        raise ValueError(f"expected a time like 08:00 (got {text!r})") from None


def _parse_weekly(text: str) -> tuple[int, dt.time]:
    day, _, at = text.strip().partition(" ")
    if day.lower() not in _WEEKDAYS:
        raise ValueError(f"expected a weekday T2..T7 or CN and a time, like 'T2 14:00' (got {text!r})")
    return _WEEKDAYS[day.lower()], _parse_time(at or "14:00")


def _parse_dates(text: str) -> list[dt.date]:
    days = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            days.append(dt.datetime.strptime(part, "%d/%m/%Y").date())
        except ValueError:
            raise ValueError(f"expected dates like 02/01/2027 separated by commas (got {part!r})") from None
    return days


def load_settings(*, need_token: bool = True, **overrides: object) -> Settings:
    """Build the settings once; a bad value raises ConfigError naming the key.

    The office's commands (imports, units, tasks, meetings) never talk to Telegram: with
    need_token=False a token still to be filled in (a placeholder, a typo) is set aside, not fatal."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        if not need_token and len(exc.errors()) == 1 and first["loc"] == ("telegram_bot_token",):
            return load_settings(**{**overrides, "telegram_bot_token": None})
        key = str(first["loc"][0]).upper() if first["loc"] else "?"
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"Cấu hình sai / configuration error: {key}: {message}") from None
