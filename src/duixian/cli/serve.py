"""`duixian serve` — the web UI and JSON API (FastAPI under uvicorn).

    duixian serve [--db URL] [--demo] [--populations DIR] [--host 127.0.0.1] [--port 8000]

``--demo`` loads the SYNTHETIC demo (合成示例, invented parties) into a fresh temporary SQLite file and
serves that, and generates a small SYNTHETIC 76号 population for the 政策模拟 page; otherwise the database is ``--db``, ``DUIXIAN_DATABASE_URL`` or the embedded default, and
its schema must be current (``duixian db upgrade``). ``--populations`` is the directory of populations the
政策模拟 page offers (``duixian population generate --out DIR/NAME``). There is no login yet: whoever uses the pages types
the 操作人, and it goes into the audit log as typed — serve on 127.0.0.1 unless the network is trusted.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from duixian.cli._common import out, user_errors
from duixian.cli.db import DbOption, database_errors
from duixian.domain import demo
from duixian.domain.demo_data import LABEL
from duixian.errors import InputError
from duixian.storage import migrate
from duixian.storage.db import Database, resolve_url, shown_url

DEMO_SEED, DEMO_SIZE = 7, 40
# the demo's population for 政策模拟: small enough to generate in a second and simulate at once
DEMO_DOCUMENT, DEMO_ENTITIES, DEMO_YEAR = "wzb-2019-76", 2000, 2020


def demo_database() -> str:
    """A new temporary SQLite file holding the synthetic demo; its URL."""
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='duixian-demo-')) / 'demo.db'}"
    database = Database(url)
    try:
        migrate.upgrade(database)
        demo.load(database, DEMO_SEED, DEMO_SIZE)
    finally:
        database.dispose()
    return url


def demo_populations(root: Path | None = None) -> Path:
    """A directory (default: a new temporary one) holding one SYNTHETIC population (合成) for the
    政策模拟 page."""
    from duixian.population.synthetic import generate

    root = root if root is not None else Path(tempfile.mkdtemp(prefix="duixian-populations-"))
    name = f"合成-{DEMO_DOCUMENT}-{DEMO_ENTITIES}户"
    generate(DEMO_DOCUMENT, DEMO_ENTITIES, DEMO_SEED, DEMO_YEAR, root / name)
    return root


@user_errors
@database_errors
def serve(
    db: DbOption = None,
    with_demo: Annotated[
        bool, typer.Option("--demo", help=f"载入{LABEL}数据（虚构）到临时 SQLite 文件并以其提供服务")
    ] = False,
    populations: Annotated[
        Path | None,
        typer.Option(
            "--populations",
            help="政策模拟用的人群目录（其下每个子目录为一个人群：population.yaml + Parquet）；--demo 时默认生成合成人群",
            file_okay=False,
        ),
    ] = None,
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="端口")] = 8000,
) -> None:
    """提供网页与 JSON API 服务（/api，接口文档见 /docs）。"""
    import uvicorn  # the web stack loads only for this command

    from duixian.web import create_app

    if with_demo and db:
        raise InputError("--demo", "--demo 使用新的临时数据库，不能与 --db 同用")
    url = demo_database() if with_demo else resolve_url(db)
    if populations is None and with_demo:
        populations = demo_populations()
    app = create_app(url, populations=populations)
    shown_host = f"[{host}]" if ":" in host else host
    if with_demo:
        out.print(f"已载入{LABEL}数据（虚构，不是真实企业）到 {shown_url(url)}", highlight=False)
    if populations is not None:
        out.print(f"政策模拟的人群目录：{populations}", highlight=False, soft_wrap=True)
    out.print(
        f"兑现网页：http://{shown_host}:{port}/ （接口文档 http://{shown_host}:{port}/docs；Ctrl+C 停止）",
        highlight=False,
        soft_wrap=True,
    )
    out.print("尚无登录：操作人由填写人自报，记入审计日志", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")
