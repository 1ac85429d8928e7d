"""`python -m bench`: run every benchmark and print its figures."""

import asyncio

from bench import send_reminders

asyncio.run(send_reminders.main())
