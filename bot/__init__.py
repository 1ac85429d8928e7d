"""The composition root of nhacviec: settings, Application wiring, CLI, start-up and shutdown."""

import os

# python-telegram-bot: periods such as retry_after as timedelta (the int form is deprecated).
os.environ.setdefault("PTB_TIMEDELTA", "1")
