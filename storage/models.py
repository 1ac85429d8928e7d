"""All tables of nhacviec in one module: UTC-aware timestamps, 64-bit Telegram ids."""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, LargeBinary, MetaData, UniqueConstraint, func, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

# Stable constraint names, so that Alembic migrations can refer to them on every backend.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def _created() -> Any:
    return Field(
        default=None,
        sa_type=UTCDateTime,
        sa_column_kwargs={"server_default": func.now(), "nullable": False},
    )


def _fk(target: str, *, nullable: bool = True, ondelete: str | None = None) -> Any:
    if ondelete is None:
        return Field(default=None, foreign_key=target, nullable=nullable, index=True)
    return Field(default=None, foreign_key=target, nullable=nullable, index=True, ondelete=ondelete)


class Unit(SQLModel, table=True):
    """A node of the unit tree: province, (legacy) district, commune or ward, or an agency."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    key: str = Field(max_length=200, index=True)  # accent-free, for "long hiep" lookups
    kind: str = Field(max_length=20)
    code: str | None = Field(default=None, max_length=20, unique=True)  # official admin code
    parent_id: int | None = _fk("unit.id")
    active: bool = True
    merged_into_id: int | None = _fk("unit.id")
    created_at: dt.datetime | None = _created()


class UnitAlias(SQLModel, table=True):
    """A former name of a unit: people keep typing the commune names from before a merger."""

    __tablename__ = "unit_alias"

    __table_args__ = (UniqueConstraint("unit_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = _fk("unit.id", nullable=False, ondelete="CASCADE")
    name: str = Field(max_length=200)
    key: str = Field(max_length=200, index=True)


class UnitMerge(SQLModel, table=True):
    """A merger of units and every row it moved, so that `units unmerge` can undo it (issue 11.3)."""

    __tablename__ = "unit_merge"
    id: int | None = Field(default=None, primary_key=True)
    target_id: int = _fk("unit.id", nullable=False)
    at: dt.datetime = Field(sa_type=UTCDateTime)
    # {"sources": [ids], "rows": {"official": [[row id, from unit id], ...], ...}, "aliases": [...]}
    moved: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    undone_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class Official(SQLModel, table=True):
    """A person the bot serves: cán bộ, lãnh đạo or the office (admin)."""

    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, index=True)
    title: str | None = Field(default=None, max_length=200)  # chức vụ
    unit_id: int | None = _fk("unit.id")
    role: str = Field(default="official", max_length=20)
    is_unit_head: bool = False
    phone: str | None = Field(default=None, max_length=20, index=True)
    telegram_user_id: int | None = Field(default=None, sa_type=BigInteger, unique=True)
    active: bool = True
    reachable: bool = True
    created_at: dt.datetime | None = _created()


class Invitation(SQLModel, table=True):
    """A single-use, expiring invitation code; only its hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    official_id: int = _fk("official.id", nullable=False, ondelete="CASCADE")
    code_hash: str = Field(max_length=64, unique=True)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime)
    used_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by_telegram_id: int | None = Field(default=None, sa_type=BigInteger)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: dt.datetime | None = _created()


class Chat(SQLModel, table=True):
    """A group chat an admin registered, and what it receives."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_chat_id: int = Field(sa_type=BigInteger, unique=True)
    title: str = Field(max_length=255)
    receives_digest: bool = False
    digest_detail: str = Field(default="full", max_length=20)  # full | counts
    receives_handovers: bool = False
    registered_by_id: int | None = _fk("official.id")
    created_at: dt.datetime | None = _created()


class Directive(SQLModel, table=True):
    """A document that hands out tasks: công văn, thông báo kết luận, chương trình công tác."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=50, index=True)  # as written, e.g. 3022-CV/TU
    issued_on: dt.date | None = None
    issuer: str | None = Field(default=None, max_length=200)
    summary: str = Field(max_length=1000)
    source_text: str | None = None
    created_at: dt.datetime | None = _created()


class Task(SQLModel, table=True):
    """One task of a directive, led by one unit, with a deadline."""

    # A unit's tasks by status and deadline (/status, /tasks, the digest), with what its counts read:
    # a commune's counts and the first 15 of each list come from this index alone (migration 0011).
    __table_args__ = (
        Index(
            "ix_task_lead_status_due",
            "lead_unit_id",
            "status",
            "due_on",
            "id",
            "original_due_on",
            "reported_done_at",
            "completed_at",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    directive_id: int | None = _fk("directive.id")
    # The meeting whose conclusions gave this task (a giao ban): the next one reviews it.
    meeting_id: int | None = _fk("meeting.id")
    title: str = Field(max_length=500)
    body: str | None = None
    lead_unit_id: int = _fk("unit.id", nullable=False)
    due_on: dt.date | None = None  # current deadline (after approved extensions)
    original_due_on: dt.date | None = None  # never changed: late work is never hidden
    due_wording: str | None = Field(default=None, max_length=200)  # "trong tháng 9/2023"
    recurrence: str | None = Field(default=None, max_length=50)
    target_quantity: float | None = None
    target_measure: str | None = Field(default=None, max_length=50)
    # One progress, two views kept consistent by storage: percent always, quantity when there is a target.
    progress_quantity: float | None = None
    progress_percent: float | None = None
    progress_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)  # when it was sent
    status: str = Field(default="new", max_length=30, index=True)
    needs_confirmation: bool = True
    created_by_id: int | None = _fk("official.id")
    # When the official reported it done (their message time): on time or late is judged by this.
    reported_done_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmed_by_id: int | None = _fk("official.id")
    version: int = 1  # bumped on every change, so a stale edit is noticed
    created_at: dt.datetime | None = _created()


class TaskUnit(SQLModel, table=True):
    """A unit cooperating (phối hợp) on a task; the lead unit is on the task itself."""

    __tablename__ = "task_unit"
    # A unit's cooperating tasks (/tasks, /status): unit_id is only the second column of the key.
    __table_args__ = (Index("ix_task_unit_unit", "unit_id"),)

    task_id: int = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)


class TaskOfficial(SQLModel, table=True):
    """An official named on a task."""

    __tablename__ = "task_official"
    # An official's named tasks (/tasks): official_id is only the second column of the key.
    __table_args__ = (Index("ix_task_official_official", "official_id"),)

    task_id: int = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    official_id: int = Field(foreign_key="official.id", primary_key=True)


class TaskUpdate(SQLModel, table=True):
    """One report on a task; the Telegram update id makes it exactly-once."""

    __tablename__ = "task_update"
    # A unit's newest reports (/status) one probe a task: its officials' reports, newest last.
    __table_args__ = (
        Index(
            "ix_task_update_reported",
            "task_id",
            "id",
            sqlite_where=text("official_id IS NOT NULL"),
            postgresql_where=text("official_id IS NOT NULL"),
        ),
        # A blocked task's latest reason (/status, the digest): one probe a task (migration 0011).
        Index(
            "ix_task_update_blocker",
            "task_id",
            "id",
            sqlite_where=text("new_status = 'blocked'"),
            postgresql_where=text("new_status = 'blocked'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = _fk("task.id", nullable=False, ondelete="CASCADE")
    official_id: int | None = _fk("official.id")
    at: dt.datetime = Field(sa_type=UTCDateTime)  # when the official sent it (message.date)
    new_status: str | None = Field(default=None, max_length=30)
    progress_quantity: float | None = None
    progress_percent: float | None = None
    note: str | None = None
    telegram_update_id: int | None = Field(default=None, sa_type=BigInteger, unique=True)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: dt.datetime | None = _created()


class TaskAck(SQLModel, table=True):
    """An official pressed "Đã nhận" (received) on a task: the office sees who has not."""

    __tablename__ = "task_ack"
    task_id: int = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    official_id: int = Field(foreign_key="official.id", primary_key=True)
    at: dt.datetime = Field(sa_type=UTCDateTime)


class ExtensionRequest(SQLModel, table=True):
    """A request to move a deadline, and a leader's decision on it."""

    __tablename__ = "extension_request"
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = _fk("task.id", nullable=False, ondelete="CASCADE")
    official_id: int | None = _fk("official.id")
    requested_due_on: dt.date
    reason: str = Field(max_length=1000)
    previous_status: str = Field(max_length=30)
    status: str = Field(default="pending", max_length=20, index=True)  # pending|approved|rejected
    at: dt.datetime = Field(sa_type=UTCDateTime)
    decided_by_id: int | None = _fk("official.id")
    decided_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class BotMessage(SQLModel, table=True):
    """A message the bot sent that a user may answer: a task card, or a question awaiting a reply.

    Kept in the database so that a reply still lands on the right task after a restart.
    """

    __tablename__ = "bot_message"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger)
    message_id: int = Field(sa_type=BigInteger)
    kind: str = Field(max_length=30)  # card | prompt
    task_id: int | None = _fk("task.id", ondelete="CASCADE")
    official_id: int | None = _fk("official.id")
    prompt: str | None = Field(default=None, max_length=30)  # what the question asks for
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    at: dt.datetime = Field(sa_type=UTCDateTime)
    answered_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class Household(SQLModel, table=True):
    """A case of a housing-style programme (xóa nhà tạm first); extra fields are config."""

    # The digest counts each unit's houses at each stage from this index alone.
    __table_args__ = (Index("ix_household_programme_unit_stage", "programme", "unit_id", "stage"),)
    id: int | None = Field(default=None, primary_key=True)
    programme: str = Field(default="xoa_nha_tam", max_length=50, index=True)
    unit_id: int = _fk("unit.id", nullable=False)
    hamlet: str | None = Field(default=None, max_length=200)
    head_name: str = Field(max_length=200)
    head_key: str = Field(max_length=200, index=True)
    track: str | None = Field(default=None, max_length=50)
    work_kind: str | None = Field(default=None, max_length=30)  # xây mới | sửa chữa
    funds: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    registered_month: str | None = Field(default=None, max_length=7)  # YYYY-MM
    stage: str = Field(default="chua_khoi_cong", max_length=30)
    stage_on: dt.date | None = None
    transferred: float = 0.0  # funds actually disbursed, in đồng (pledged ones are in `funds`)
    gps_lat: float | None = None
    gps_lon: float | None = None
    official_id: int | None = _fk("official.id")
    notes: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: dt.datetime | None = _created()


class Photo(SQLModel, table=True):
    """Photo evidence for a task or a household, stored under its content hash."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int | None = _fk("task.id", ondelete="CASCADE")
    household_id: int | None = _fk("household.id", ondelete="CASCADE")
    official_id: int | None = _fk("official.id")
    file_id: str = Field(max_length=255)
    file_unique_id: str = Field(max_length=100, index=True)  # the same file may serve two records: flagged
    sha256: str = Field(max_length=64, index=True)
    phash: str | None = Field(default=None, max_length=32, index=True)
    path: str = Field(max_length=500)
    size_bytes: int
    taken_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    gps_lat: float | None = None
    gps_lon: float | None = None
    caption: str | None = Field(default=None, max_length=1024)
    stage: str | None = Field(default=None, max_length=30)  # what it shows (household photos)
    media_group_id: str | None = Field(default=None, max_length=64, index=True)  # an album
    duplicate_of_id: int | None = _fk("photo.id")  # the same picture already used elsewhere
    created_at: dt.datetime | None = _created()


class Meeting(SQLModel, table=True):
    """A meeting: the weekly giao ban (recurring) or a one-off conference."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    starts_at: dt.datetime = Field(sa_type=UTCDateTime)
    recurrence: str | None = Field(default=None, max_length=50)  # e.g. weekly:MON
    location: str | None = Field(default=None, max_length=200)
    status: str = Field(default="planned", max_length=20)
    created_at: dt.datetime | None = _created()


class MeetingItem(SQLModel, table=True):
    """An agenda item and the unit that prepares it ("Văn phòng ... chuẩn bị")."""

    __tablename__ = "meeting_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = _fk("meeting.id", nullable=False, ondelete="CASCADE")
    position: int = 0
    title: str = Field(max_length=500)
    preparing_unit_id: int | None = _fk("unit.id")


class Notification(SQLModel, table=True):
    """The outbox: one message to send, inserted idempotently under its dedupe key."""

    __table_args__ = (Index("ix_notification_due", "sent_at", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger, index=True)
    official_id: int | None = _fk("official.id")
    kind: str = Field(max_length=50)
    dedupe_key: str = Field(max_length=200, unique=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    due_at: dt.datetime = Field(sa_type=UTCDateTime)
    claimed_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: dt.datetime | None = _created()


class InboxUpdate(SQLModel, table=True):
    """A raw Telegram update, stored before it is acknowledged and processed from here."""

    __tablename__ = "inbox_update"
    update_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    payload: dict[str, Any] = Field(sa_type=JSON)
    received_at: dt.datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="pending", max_length=20, index=True)
    attempts: int = 0
    processed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=500)
    # The chat it came from (None for updates without one): a chat's updates run in order.
    chat_id: int | None = Field(default=None, sa_type=BigInteger)
    # Set when a transient error (a locked or dropped database) deferred it: not due before then.
    next_attempt_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditLog(SQLModel, table=True):
    """Who did what to which record, and when."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    official_id: int | None = _fk("official.id")
    telegram_user_id: int | None = Field(default=None, sa_type=BigInteger)
    action: str = Field(max_length=100)
    entity: str | None = Field(default=None, max_length=50)
    entity_id: int | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class JobLease(SQLModel, table=True):
    """Who runs the recurring jobs: one instance holds the lease and renews it; when it stops
    renewing, another takes over once `expires_at` has passed (issue 14.2)."""

    __tablename__ = "job_lease"
    name: str = Field(max_length=100, primary_key=True)
    holder: str = Field(max_length=200)
    acquired_at: dt.datetime = Field(sa_type=UTCDateTime)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime)


class ConversationState(SQLModel, table=True):
    """Where a person stands in a multi-step conversation (/assign, a directive's review), so that
    a restart, or the next message reaching another instance, goes on from the same step."""

    __tablename__ = "conversation_state"
    name: str = Field(max_length=50, primary_key=True)  # the ConversationHandler's name
    chat_id: int = Field(sa_type=BigInteger, primary_key=True)
    user_id: int = Field(sa_type=BigInteger, primary_key=True)
    state: int
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class UserState(SQLModel, table=True):
    """A person's working drafts (python-telegram-bot's user_data: the task being assigned, the
    directive under review), pickled; no row while there is nothing in hand."""

    __tablename__ = "user_state"
    user_id: int = Field(sa_type=BigInteger, primary_key=True)
    data: bytes = Field(sa_type=LargeBinary)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)
