"""Every error the API returns, in one place: RFC 9457 ``application/problem+json`` bodies.

Domain errors (``service.domain.errors``), Litestar's HTTP exceptions (routing, validation, auth,
body size) and anything unexpected all become a `ProblemDetail` carrying the request id. A 500
never shows a traceback or internals: the exception is logged with the request id instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ExceptionHandlersMap

from service.domain import codec
from service.domain.errors import (
    ConflictError,
    DomainError,
    InvalidBodyError,
    InvalidContentError,
    MalformedBodyError,
    NotFoundError,
    PreconditionFailedError,
)
from service.domain.wire import FieldError, ProblemDetail
from service.observability.requestid import request_id_of

PROBLEM_MEDIA_TYPE = "application/problem+json"

logger = logging.getLogger("service.api")


class PreconditionRequiredError(HTTPException):
    """A conditional request (``If-Match``) was required but not sent (RFC 6585)."""

    status_code = HTTPStatus.PRECONDITION_REQUIRED


class UnsupportedMediaTypeError(HTTPException):
    """The request body's content type is not one the operation accepts."""

    status_code = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class ServiceUnavailableError(HTTPException):
    """The service cannot answer now (the database is unreachable or unsound)."""

    status_code = HTTPStatus.SERVICE_UNAVAILABLE


_DESCRIPTIONS: Mapping[int, str] = {
    400: "Malformed request: bad or unknown query parameter, bad path parameter, a NUL character "
    "in a parameter, or a body that is not JSON (not UTF-8, nested too deeply, a syntax error).",
    401: "Missing, invalid or revoked bearer token (`WWW-Authenticate: Bearer`).",
    403: "The token lacks the scope this operation needs.",
    404: "The story, brief, revision, party or token does not exist.",
    409: "The resource already exists.",
    412: "`If-Match` names a revision that is no longer current; see `current_revision`.",
    408: "The request body did not arrive within the configured time limit.",
    413: "The request body is larger than the configured limit.",
    415: "The request body is not `application/json` in UTF-8.",
    422: "The body decodes but is invalid: an unknown field at any depth, a value out of range, "
    "a NUL character or a cross-field rule; `errors` lists each field path and problem.",
    428: "`If-Match` is required to update a brief.",
    500: "Unexpected server error; quote the `request_id` when reporting it.",
    503: "The database is unreachable or unsound.",
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI ``responses`` for these error statuses, plus 400 and 500 (always possible)."""
    body_limits = {408} if 413 in statuses else set()  # an operation with a body: it has both
    codes = sorted({400, 500, *statuses, *body_limits})
    return {
        code: ResponseSpec(
            data_container=ProblemDetail,
            description=_DESCRIPTIONS[code],
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
        )
        for code in codes
    }


def problem_response(
    request: Request[Any, Any, Any],
    status: int,
    detail: str | None = None,
    *,
    errors: list[FieldError] | None = None,
    current_revision: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[bytes]:
    """A problem+json response for ``request`` (also used for non-exception problems like 503)."""
    problem = ProblemDetail(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        request_id=request_id_of(request.scope),
        errors=errors,
        current_revision=current_revision,
    )
    return Response(
        content=codec.encode(problem),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers or {}),
    )


def _domain_error(request: Request[Any, Any, Any], error: DomainError) -> Response[bytes]:
    match error:
        case NotFoundError():
            return problem_response(request, 404, error.detail)
        case ConflictError():
            return problem_response(request, 409, error.detail)
        case PreconditionFailedError(current_revision=current):
            return problem_response(request, 412, error.detail, current_revision=current)
        case MalformedBodyError():
            return problem_response(request, 400, f"The request body is not JSON: {error.detail}.")
        case InvalidContentError(problems=problems):
            field_errors = [FieldError(path=path, message=message) for path, message in problems]
            # A body that is not the model, or one that breaks a cross-field rule.
            body = isinstance(error, InvalidBodyError)
            detail = "The request body is invalid." if body else "The content is invalid."
            return problem_response(request, 422, detail, errors=field_errors)
        case _:
            return _unexpected(request, error)


def _validation_error(
    request: Request[Any, Any, Any], error: ValidationException
) -> Response[bytes]:
    """Litestar's parameter and body validation: 422 for a body that decodes, else 400."""
    field_errors: list[FieldError] = []
    body_error = False
    for item in error.extra if isinstance(error.extra, list) else []:
        if not isinstance(item, dict):
            continue
        source = item.get("source")
        key = str(item.get("key") or "")
        message = str(item.get("message") or "invalid value")
        if source == "body":
            body_error = True
            path = _body_path(key)
        else:
            where = getattr(source, "value", source)
            path = f"{where}.{key}" if where else key
        field_errors.append(FieldError(path=path, message=message))
    status = 422 if body_error else 400
    detail = "The request body is invalid." if body_error else "The request is invalid."
    if not field_errors:
        detail = _clean_detail(error.detail) or detail
    return problem_response(request, status, detail, errors=field_errors or None)


def _body_path(key: str) -> str:
    """A JSON path from the body's root: Litestar names the handler's parameter (``$.data``,
    ``data.title``), which means nothing to a client."""
    for prefix in ("$.data", "data"):
        if key == prefix:
            return "$"
        if key.startswith((f"{prefix}.", f"{prefix}[")):
            return "$" + key.removeprefix(prefix)
    return key if key.startswith("$") else f"$.{key}" if key else "$"


def _clean_detail(detail: str) -> str:
    # Litestar prefixes validation messages with the handler's location; keep only the reason.
    return detail.split(" for ", 1)[0] if detail.startswith("Validation failed") else detail


def _http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[bytes]:
    status = error.status_code
    headers = dict(error.headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    if status >= 500:
        return _unexpected(request, error)
    detail = error.detail if error.detail != HTTPStatus(status).phrase else None
    return problem_response(request, status, detail, headers=headers)


def _unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
    if isinstance(error, HTTPException) and error.status_code == 503:
        return problem_response(request, 503, error.detail)
    logger.error(
        "unhandled error in %s %s (request_id=%s)",
        request.method,
        request.url.path,
        request_id_of(request.scope),
        exc_info=error,
    )
    return problem_response(request, 500, "An unexpected error occurred.")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: _domain_error,  # handlers narrow the exception type
    ValidationException: _validation_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}
"""The app's exception handlers, most specific class first (Litestar matches along the MRO)."""
