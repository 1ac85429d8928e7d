"""The office's files on the command line: read an import, write a template, dry runs and answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from domain import cli_texts
from domain.sheets import SheetError, SheetRow, read_rows
from domain.vntext import accent_free_key

T = TypeVar("T")


class CliError(Exception):
    """A refusal the command prints in one Vietnamese line (exit code 1)."""


def read_sheet(path: str) -> list[SheetRow]:
    """The rows of an import file; a missing or unreadable file is one Vietnamese line."""
    file = Path(path)
    if not file.is_file():
        raise SheetError(cli_texts.file_missing(path))
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise SheetError(os_error_text(exc)) from None
    return read_rows(data, path)


def refuse_overwrite(path: str | Path, *, force: bool) -> None:
    """An existing file is the office's: kept unless --force (checked before any work is done).
    A folder is left to the write, which names it as one."""
    file = Path(path)
    if file.exists() and not file.is_dir() and not force:
        raise CliError(cli_texts.file_exists(str(path)))


def write_template(path: str, data: bytes, *, force: bool) -> None:
    """Write a template; an existing file is kept unless --force."""
    file = Path(path)
    refuse_overwrite(file, force=force)
    try:
        file.write_bytes(data)
    except OSError as exc:
        raise CliError(os_error_text(exc)) from None
    print(cli_texts.template_written(path))


def confirmed(question: str, *, yes: bool) -> bool:
    """--yes, or «có» typed at the prompt; no answer (a script without --yes) is a no."""
    if yes:
        return True
    try:
        answer = input(question)
    except (EOFError, OSError):  # no terminal (a script, a service): no answer is a no
        return False
    return accent_free_key(answer) in {accent_free_key(w) for w in cli_texts.YES_WORDS}


async def in_transaction(
    db: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    dry_run: bool,
) -> T:
    """Run `work` in one transaction: committed, or rolled back whole for a dry run."""
    async with db() as session:
        result = await work(session)
        if dry_run:
            await session.rollback()
            print(cli_texts.DRY_RUN)
        else:
            await session.commit()
    return result


def os_error_text(exc: OSError) -> str:
    """An OSError in one Vietnamese line: which file, and why."""
    if exc.filename is None:
        return cli_texts.system_error(exc.strerror or str(exc))
    if isinstance(exc, FileNotFoundError):
        folder = Path(exc.filename).parent
        if not folder.is_dir():  # writing into a folder that is not there
            return cli_texts.folder_missing(str(folder), str(exc.filename))
        return cli_texts.file_missing(str(exc.filename))
    return cli_texts.file_error(str(exc.filename), cli_texts.os_reason(exc.errno, exc.strerror or str(exc)))
