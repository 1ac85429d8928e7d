"""argparse in Vietnamese: headings, the -h line, usage, errors and placeholders of every verb."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from domain import cli_texts


class VietnameseFormatter(argparse.HelpFormatter):
    """`cách dùng:` instead of `usage:`; the rest is the text each verb declares."""

    def __init__(self, prog: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_help_position", 30)  # "households" and its help on one line
        super().__init__(prog, **kwargs)

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else cli_texts.USAGE)


class _VerbsAction(argparse._SubParsersAction):  # type: ignore[type-arg]
    """A verb's one-line help is also the description its own --help shows."""

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if kwargs.get("help") and not kwargs.get("description"):
            kwargs["description"] = kwargs["help"]
        return super().add_parser(name, **kwargs)


class VietnameseParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words are Vietnamese; every sub-verb is one too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", VietnameseFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _VerbsAction)
        self._positionals.title = cli_texts.POSITIONALS
        self._optionals.title = cli_texts.OPTIONALS
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=cli_texts.HELP_FLAG)

    def add_subparsers(self, **kwargs: Any) -> Any:
        """Verbs listed under «các lệnh», shown as LỆNH in the usage line."""
        kwargs.setdefault("title", cli_texts.VERBS)
        kwargs.setdefault("metavar", cli_texts.VERB)
        return super().add_subparsers(**kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """Placeholders in Vietnamese (`TỆP`, `ĐƠN_VỊ`) where the verb gave none."""
        action = super().add_argument(*args, **kwargs)
        if action.metavar is None and action.nargs != 0 and action.dest in cli_texts.METAVARS:
            action.metavar = cli_texts.METAVARS[action.dest]
        return action

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, cli_texts.argparse_error(self.prog, message))
