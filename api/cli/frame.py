"""The command-line frame under ``api.cli``: readable help, one-line errors, text printed as text.

``make_typer`` builds a typer app whose help shows no raw type names and whose ``main`` turns
every error into one line on stderr (a usage error exits 2, any other 1) instead of a box or a
traceback; ``out``/``err`` are consoles that never read data as rich markup or emoji codes.
Kept apart from the commands so the command modules hold commands only; imports stay light (no
SQLAlchemy, no pipeline) so ``claimscope --help`` starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

if TYPE_CHECKING:
    from rich.console import Console

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


# --- the command classes: readable help, one-line errors ---------------------------------------


class PlainArgument(TyperArgument):
    """An argument shown by its metavar only (typer would add ``<list[Path]>``)."""

    def display_type_rich(self, ctx: typer.Context) -> str | None:  # type: ignore[override]
        return None

    def get_help_record(self, ctx: typer.Context) -> tuple[str, str] | None:  # type: ignore[override]
        record = super().get_help_record(ctx)  # type: ignore[arg-type]
        return None if record is None else (self._rich_display_name(), record[1])


def readable(params: list[Any]) -> None:
    for param in params:
        if isinstance(param, TyperArgument):
            param.__class__ = PlainArgument
        elif isinstance(param, TyperOption) and param.metavar is None:
            # a flag shows no type (typer would say <bool>); a value option its metavar
            param.metavar = "" if param.is_flag else "VALUE"


class CLICommand(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        readable(self.params)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        readable([option])
        return option


class CLIGroup(TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        readable(self.params)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        readable([option])
        return option

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """The command line's main, with every error as one line on stderr (a usage error exits
        2, any other 1) instead of a box or a traceback."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.Exit as exc:
            code = exc.exit_code
        except (typer.Abort, KeyboardInterrupt, EOFError):
            error_line("interrupted")
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:
            sys.exit(report_error(exc))
        sys.exit(code if isinstance(code, int) else 0)


def report_error(exc: Exception) -> int:
    """Print ``exc`` as one line; the exit code."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # no arguments: the help, as typer shows it
        exc.show()  # type: ignore[attr-defined]
        return int(exc.exit_code)  # type: ignore[attr-defined]
    if hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int):
        # the parser's errors (usage, bad parameter, no such option)
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        error_line(f"{exc.format_message()}{hint}")
        return int(exc.exit_code)  # type: ignore[attr-defined]
    error_line(describe(exc))
    return EXIT_ERROR


def describe(exc: Exception) -> str:
    from pydantic import ValidationError

    from api.errors import ClaimScopeError

    if isinstance(exc, ClaimScopeError):
        return exc.message
    if isinstance(exc, ValidationError):
        return settings_problem(exc)
    if type(exc).__name__ == "SettingsError":  # api.settings, not imported here (start-up speed)
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def settings_problem(exc: Any) -> str:
    first = exc.errors()[0]
    name = "CLAIMSCOPE_" + "_".join(str(p) for p in first.get("loc", ())).upper()
    return f"bad value for {name}: {first.get('msg', 'invalid')}"


class CLI(typer.Typer):
    def command(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("cls", CLICommand)
        return super().command(*args, **kwargs)


def make_typer(help_text: str) -> CLI:
    return CLI(
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        cls=CLIGroup,
        pretty_exceptions_enable=False,  # CLIGroup.main prints every error as one line
    )


# --- output and errors ------------------------------------------------------------------------


@cache
def out() -> Console:
    from api.render import console

    return console()


@cache
def err() -> Console:
    from api.render import console

    return console(stderr=True)


def error_line(message: str) -> None:
    from rich.text import Text

    line = " ".join(message.split())  # one line, whatever the message holds
    err().print(Text.assemble(("error:", "red"), " ", line))


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    error_line(message)
    raise typer.Exit(code)
