"""The routing table: the only place where handlers are added, in order, with who may use them."""

from __future__ import annotations

import functools
from itertools import chain
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import logs
from domain.callbacks import pattern
from domain.statuses import Role
from domain.task_texts import TASK, TASK_LIST
from handlers import (
    access,
    assign,
    buttons,
    directive_intake,
    fallback,
    groups,
    house_location,
    house_views,
    houses,
    keyboards,
    people,
    people_confirm,
    people_office,
    photo_intake,
    questions,
    report,
    start,
    status,
    task_replies,
    tasks,
)
from handlers.access import requires

ADMIN = requires(Role.ADMIN)
MEMBERS = requires(Role.ADMIN, Role.LEADER, Role.OFFICIAL)
LEADERS = requires(Role.ADMIN, Role.LEADER)


def ADMIN_PRIVATE(handler: access.Handler) -> access.Handler:  # noqa: N802 - reads like the others
    """The office's people commands: admins only, and never in a group (links are personal)."""
    return ADMIN(access.private_only(handler))


# How long each multi-step conversation waits for its next answer (bot.persistence ends it then).
CONVERSATION_TIMEOUTS = {"assign": assign.TIMEOUT, "directive": directive_intake.TIMEOUT}


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register every handler. Order matters: access control runs first, in group -1."""
    # Group -2: a button press whose data does not decode (forged, damaged) stops here, with a toast.
    app.add_handler(CallbackQueryHandler(buttons.refuse_forged), group=-2)
    # Group -1: resolve the caller; strangers, locked accounts and unregistered groups stop here.
    app.add_handler(TypeHandler(Update, access.load_caller), group=-1)

    # Group 0: features, first match wins. Public: /start (with an invitation code), /help, contact.
    app.add_handler(CommandHandler("start", start.start))
    app.add_handler(CommandHandler("help", start.show_help))
    app.add_handler(MessageHandler(filters.CONTACT & filters.ChatType.PRIVATE, start.contact_shared))

    # Handing out a task: the office and leaders, in a private chat (a short conversation).
    app.add_handler(assign.conversation())
    # Reading a directive: the office sends a .docx/.pdf/.txt (or /vanban + text); before the
    # photo handler below, which would otherwise take a document as household evidence.
    app.add_handler(directive_intake.conversation())
    # /huy and ✖️ Hủy leave any question the bot waits on; inside /assign its own cancel runs first.
    app.add_handler(CommandHandler(["huy", "cancel"], MEMBERS(questions.cancel)))
    app.add_handler(CallbackQueryHandler(MEMBERS(questions.cancel_button), pattern=pattern(keyboards.CANCEL)))

    # Tasks: the list, one card, the buttons under every card, replies to cards and questions.
    app.add_handler(CommandHandler("tasks", MEMBERS(tasks.list_tasks)))
    app.add_handler(CommandHandler("task", MEMBERS(tasks.show_task)))
    app.add_handler(CallbackQueryHandler(MEMBERS(tasks.on_button), pattern=pattern(TASK)))
    app.add_handler(CallbackQueryHandler(MEMBERS(tasks.list_page), pattern=pattern(TASK_LIST)))
    private_text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private_text, MEMBERS(task_replies.on_text)))
    # Photos: to a task card when replying to one, else xóa nhà tạm evidence for a household.
    # Any file goes there too: whether it really is an image is decided by its content.
    photos = (filters.PHOTO | filters.Document.ALL) & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(photos, MEMBERS(photo_intake.on_photo)))
    located = filters.LOCATION & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(located, MEMBERS(house_location.on_location)))
    app.add_handler(CallbackQueryHandler(MEMBERS(houses.pick_household), pattern=pattern(houses.PICK_HOUSE)))
    app.add_handler(CallbackQueryHandler(MEMBERS(houses.pick_stage), pattern=pattern(houses.PICK_STAGE)))
    # Leaders' views: the state of one unit or all, and the Monday digest on demand.
    app.add_handler(CommandHandler("status", MEMBERS(status.status)))
    app.add_handler(CallbackQueryHandler(MEMBERS(status.pick_unit), pattern=pattern(status.UNIT_PICK)))
    app.add_handler(CommandHandler("digest", LEADERS(status.preview_digest)))
    app.add_handler(CommandHandler("baocao", LEADERS(report.monthly)))  # the monthly report draft
    app.add_handler(CommandHandler("houses", MEMBERS(house_views.show_houses)))
    app.add_handler(
        CallbackQueryHandler(MEMBERS(house_views.pick_unit), pattern=pattern(house_views.UNIT_PICK))
    )
    app.add_handler(CommandHandler("exporthouses", MEMBERS(house_views.export_houses)))
    app.add_handler(CommandHandler("addhouse", MEMBERS(access.private_only(house_views.add_house))))

    # Everyone linked: the unit's officials (an official sees only their own unit).
    app.add_handler(CommandHandler("officials", MEMBERS(people.list_officials)))
    app.add_handler(CallbackQueryHandler(MEMBERS(people.pick_unit), pattern=pattern(people.UNIT_PICK)))

    # The office (admin) only: people and group chats. Every one of these is audited.
    # Locking, unlinking, a role change and re-inviting a linked official are confirmed by a button.
    app.add_handler(CommandHandler("invite", ADMIN_PRIVATE(people_office.invite)))
    app.add_handler(CommandHandler("addofficial", ADMIN_PRIVATE(people_office.add_official)))
    app.add_handler(CommandHandler("editofficial", ADMIN_PRIVATE(people_office.edit_official)))
    app.add_handler(CommandHandler("deactivate", ADMIN_PRIVATE(people_office.deactivate)))
    app.add_handler(CommandHandler("reactivate", ADMIN_PRIVATE(people_office.reactivate)))
    app.add_handler(CommandHandler("unlink", ADMIN_PRIVATE(people_office.unlink)))
    confirmed = pattern(people_confirm.CONFIRM)
    app.add_handler(CallbackQueryHandler(ADMIN_PRIVATE(people_confirm.confirm), pattern=confirmed))
    app.add_handler(CommandHandler("registergroup", ADMIN(groups.register_group)))
    app.add_handler(CommandHandler("unregistergroup", ADMIN(groups.unregister_group)))

    # Last in group 0: anything no feature claimed gets a helpful answer, never silence.
    app.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, fallback.unknown_command))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, fallback.unrecognised))
    app.add_handler(CallbackQueryHandler(fallback.stale_button))
    for group in app.handlers.values():
        for handler in group:
            _name_in_log(handler)


def _name_in_log(handler: BaseHandler[Any, Any, Any]) -> None:
    """Every log line of an update names the handler that ran (bot.logs), conversations included."""
    if isinstance(handler, ConversationHandler):
        for inner in [*handler.entry_points, *handler.fallbacks, *chain(*handler.states.values())]:
            _name_in_log(inner)
        return
    callback = handler.callback
    name = f"{callback.__module__.removeprefix('handlers.')}.{callback.__qualname__}"

    @functools.wraps(callback)
    async def named(update: Any, context: Any) -> Any:
        logs.annotate(handler=name)
        return await callback(update, context)

    handler.callback = named
