"""What every command shares: the consoles and the handling of input errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from duixian.errors import InputError, InputErrors

P = ParamSpec("P")
R = TypeVar("R")

out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)


def user_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Input errors end the command with their field and reason, exit code 2, no traceback."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except InputErrors as exc:
            for e in exc.errors:
                err.print(f"[red]输入错误[/red] {e.field}: {e.reason}", highlight=False)
        except InputError as exc:
            err.print(f"[red]输入错误[/red] {exc.field}: {exc.reason}", highlight=False)
        raise typer.Exit(2)

    return wrapper


def progress_bar(auto_refresh: bool = True) -> Progress:
    """The progress bar of long jobs (batch, reform): on stderr, gone when done. Without
    ``auto_refresh`` it has no refresh thread and is redrawn on each ``update(..., refresh=True)``: a
    job that starts worker processes then forks them ready to work (population.workers)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        auto_refresh=auto_refresh,
    )


def print_json(payload: Any) -> None:
    """A command's --json output: UTF-8 text as written (no \\u escapes), indented."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
