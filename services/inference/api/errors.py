"""One place that turns every error into `{"error": "..."}` with the right status.

Domain errors carry their status; Litestar's own (validation, 404, 405, 413) keep theirs; anything
else is a bug, logged with its traceback and answered with a 500 that leaks nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE

from services.inference.errors import InferlabError, Overloaded
from services.inference.observer import Observer

log = logging.getLogger(__name__)


def error_response(message: str, status_code: int, headers: dict[str, str] | None = None) -> Response:
    return Response({"error": message}, status_code=status_code, headers=headers, media_type=MediaType.JSON)


def exception_handlers(observer: Observer) -> dict[type[Exception], Callable[[Request, Any], Response]]:
    """Every error to its answer, each one counted by type for the observer first."""

    def counted(handler: Callable[[Request, Any], Response]) -> Callable[[Request, Any], Response]:
        def handle(request: Request, exc: Exception) -> Response:
            observer.failed(type(exc).__name__)
            return handler(request, exc)

        return handle

    return {
        InferlabError: counted(handle_domain_error),
        HTTPException: counted(handle_http_exception),
        Exception: counted(handle_unexpected),
    }


def handle_domain_error(request: Request, exc: InferlabError) -> Response:
    headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, Overloaded) else None
    return error_response(exc.message, exc.status_code, headers)


def handle_http_exception(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == HTTP_413_REQUEST_ENTITY_TOO_LARGE:
        limit = request.route_handler.resolve_request_max_body_size()
        return error_response(f"The request body is larger than the limit of {limit:,} bytes.", 413)
    message = exc.detail
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
        problems = "; ".join(_describe(item) for item in exc.extra)
        message = f"{message}: {problems}" if problems else message
    return error_response(message, exc.status_code, exc.headers)


def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response("Internal error; the service logged the details.", 500)


def _describe(item: object) -> str:
    if isinstance(item, dict):
        key = item.get("key")
        message = item.get("message", "")
        return f"{key}: {message}" if key else str(message)
    return str(item)
