"""Errors as the user sees them, in Chinese, each naming its field: JSON under /api, a page elsewhere.

    bad input (a field the request gave)     → 422
    a refusal by the rules (``Refusal``)     → 409, naming the application or rule that refused
    an unknown application or fund           → 404

pydantic's own messages are English; ``duixian.engine.reasons.reason_of`` says them in Chinese, as
``duixian calc`` and the population loader do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from duixian.engine.reasons import reason_of
from duixian.errors import InputError, InputErrors
from duixian.web.actions import NOT_FOUND_FIELDS, Refusal, web_field
from duixian.web.schemas import ErrorBody, Problem

# where a request field came from: not part of its name for the user
LOCATIONS = frozenset({"body", "query", "path", "form"})


def field_of(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in LOCATIONS]
    return ".".join(parts) or "body"


def validation_problems(errors: Sequence[Any]) -> list[Problem]:
    return [Problem(field=field_of(e.get("loc", ())), reason=reason_of(e)) for e in errors]


def input_problems(exc: InputError | InputErrors) -> list[Problem]:
    errors = exc.errors if isinstance(exc, InputErrors) else [exc]
    return [Problem(field=web_field(e.field), reason=e.reason) for e in errors]


def input_status(exc: InputError) -> int:
    return 404 if exc.field in NOT_FOUND_FIELDS else 422


def install(app: FastAPI, templates: Jinja2Templates) -> None:
    """Register the handlers: JSON for /api, the error page for the HTML pages."""

    def answer(request: Request, status: int, problems: list[Problem]) -> Response:
        if request.url.path.startswith("/api"):
            return JSONResponse(ErrorBody(detail=problems).model_dump(), status_code=status)
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "problems": problems}, status_code=status
        )

    async def on_input_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, InputError)
        return answer(request, input_status(exc), input_problems(exc))

    async def on_input_errors(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, InputErrors)
        return answer(request, 422, input_problems(exc))

    async def on_refusal(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refusal)
        return answer(request, 409, [Problem(field=web_field(e.field), reason=e.reason) for e in exc.errors])

    async def on_invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError | ValidationError)
        return answer(request, 422, validation_problems(exc.errors()))

    app.add_exception_handler(InputError, on_input_error)
    app.add_exception_handler(InputErrors, on_input_errors)
    app.add_exception_handler(Refusal, on_refusal)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(ValidationError, on_invalid)
