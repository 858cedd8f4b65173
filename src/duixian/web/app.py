"""The web application: ``create_app(database_url)`` serves the JSON API (/api, OpenAPI docs at /docs, served without a CDN)
and the HTML pages on one database, with a session per request (``Database.snapshot`` to read,
``audit.writing`` to decide). The schema must be current (``duixian db upgrade``), as for the CLI.

``populations`` is a directory of populations (``duixian population generate --out DIR/NAME``) for the
政策模拟 page; ``reform_examples`` the example reforms it offers (default: the source tree's
examples/reforms/). Reform simulations need no database (``web.reforms``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline

from duixian.storage import migrate
from duixian.storage.db import Database
from duixian.storage.timestamps import shown
from duixian.web import api, errors
from duixian.web.pages import pages
from duixian.web.reforms import EXAMPLES, Workbench, signed_yuan

HERE = Path(__file__).parent
DESCRIPTION = (
    "温州市产业政策奖励兑现系统的接口：申请与审核、资金科目、审计日志校验、政策库、计算器、政策模拟（改革方案的预算测算，后台运行）。"
    "金额均为整数分（fen）并附元（yuan）文本。尚无登录：操作人由请求填写，记入审计日志。"
)


def create_app(
    database_url: str, populations: Path | None = None, reform_examples: Path | None = EXAMPLES
) -> FastAPI:
    database = Database(database_url)
    try:
        migrate.require_current(database)
    except Exception:
        database.dispose()
        raise

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.reforms.close()
        database.dispose()

    # the docs' JavaScript from the package, not a CDN: the servers may have no internet
    app = FastAPIOffline(title="兑现 duixian", description=DESCRIPTION, version="0.1.0", lifespan=lifespan)
    app.state.database = database
    app.state.reforms = Workbench(populations, reform_examples)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["shown"] = shown  # instants as Beijing time
    templates.env.globals["signed_yuan"] = signed_yuan  # a difference: +1,234.56
    templates.env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
    errors.install(app, templates)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages(templates))
    return app
