"""The sending benchmark, kept under its old name for `python -m bench`: it is now the fan-out
benchmark (bench/fanout.py: 1,000 private chats, then 800 private + 200 to one group)."""

from __future__ import annotations

import asyncio

from bench.fanout import main

__all__ = ["main"]

if __name__ == "__main__":
    asyncio.run(main())
