"""`python -m bench`: run every benchmark and print its figures."""

import asyncio

from bench import send_reminders, status_digest

asyncio.run(send_reminders.main())
asyncio.run(status_digest.main())
