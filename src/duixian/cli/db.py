"""`duixian db` — the database: create or upgrade its schema (Alembic migrations shipped in the package).

    duixian db upgrade [--db URL]
    duixian db current [--db URL]

The database is ``--db URL``, else ``DUIXIAN_DATABASE_URL``, else an embedded SQLite file
(~/.local/share/duixian/duixian.db). A bare path is a SQLite file; PostgreSQL:
``postgresql+psycopg://user@host:5432/dbname``. The other commands on the database (registry, audit)
refuse to run on a schema that is not current and say to run ``duixian db upgrade``.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from functools import wraps
from typing import Annotated, ParamSpec, TypeVar

import typer
from sqlalchemy.exc import OperationalError

from duixian.cli._common import err, out, user_errors
from duixian.storage import migrate
from duixian.storage.db import ENV_URL, Database, shown_url

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(help="数据库：建立与升级表结构", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help=f"数据库地址（默认：环境变量 {ENV_URL}，否则本机 SQLite 文件）", show_default=False
    ),
]
ActorOption = Annotated[
    str | None,
    typer.Option("--actor", envvar="DUIXIAN_ACTOR", help="操作人（记入审计日志；默认当前系统用户）"),
]


def actor_or_user(actor: str | None) -> str:
    return actor or getpass.getuser()


def database_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """A database that cannot be reached ends the command with a message, exit code 2, no traceback."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except OperationalError as exc:
            err.print(f"[red]数据库错误[/red] {exc.orig or exc}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper


def open_database(url: str | None) -> Database:
    """The database, refused unless its schema is the one this program expects."""
    db = Database(url)
    migrate.require_current(db)
    return db


@app.command()
@user_errors
@database_errors
def upgrade(db: DbOption = None) -> None:
    """建立数据表，或升级到本程序的版本（可重复运行）。"""
    database = Database(db)
    before = migrate.current_revision(database)
    after = migrate.upgrade(database)
    if before == after:
        out.print(f"数据库 {shown_url(database.url)} 已是最新版本 {after}，无需升级", highlight=False)
    else:
        out.print(f"数据库 {shown_url(database.url)} 已从 {before or '空库'} 升级到 {after}", highlight=False)
    database.dispose()


@app.command()
@user_errors
@database_errors
def current(db: DbOption = None) -> None:
    """显示数据库的表结构版本及本程序要求的版本。"""
    database = Database(db)
    now, head = migrate.current_revision(database), migrate.head_revision()
    state = "最新" if now == head else "需要运行 duixian db upgrade"
    out.print(
        f"{shown_url(database.url)}：版本 {now or '未初始化'}，程序版本 {head}（{state}）", highlight=False
    )
    database.dispose()
