"""`python -m bench`: run every benchmark and print its figures (about 15 minutes on 2 cores)."""

import asyncio

from bench import scale, send_reminders, updates

asyncio.run(send_reminders.main())
asyncio.run(updates.main(200, 2000, updates.DEFAULT_POSTGRES, (5.0, 150)))  # the burst, then paced
# The province of bench.status_digest at two sizes (it measures /status and the digest at 50,000).
asyncio.run(scale.main([5000, 50000], scale.DEFAULT_POSTGRES))
