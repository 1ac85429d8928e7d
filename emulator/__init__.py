"""A local stand-in for the Telegram Bot API over HTTP, for tests, benchmarks and the sandbox.

It speaks the official JSON, keeps chats, messages and files in memory, enforces Telegram's
limits by answering as Telegram does, and has a control API (/control/...) through which a test
or the sandbox plays the users. It imports nothing from the product packages.
"""

from emulator.server import Emulator

__all__ = ["Emulator"]
