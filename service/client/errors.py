"""The client's exception tree. No httpx exception ever leaves `BriefsClient`.

::

    BriefsClientError
    ├── TransportError              the request did not complete (network, protocol)
    │   ├── ConnectError            nothing listening, DNS failure, TLS handshake failure
    │   └── RequestTimeoutError     connect, read, write or pool timeout
    ├── ResponseDecodeError         a response that is not what the endpoint promises
    └── APIError                    the server answered with an error status
        ├── BadRequest              400 (and 415)
        ├── Unauthorized            401
        ├── Forbidden               403
        ├── NotFound                404
        ├── Conflict                409
        ├── PreconditionFailed      412, with ``current_revision``
        ├── PayloadTooLarge         413
        ├── Unprocessable           422, with ``field_errors``
        ├── PreconditionRequired    428
        └── ServerError             5xx

``str(error)`` is one human-readable sentence: the TUI shows it as a notification as is.
"""

from __future__ import annotations

import msgspec

from service.domain.wire import FieldError, ProblemDetail

_problem_decoder = msgspec.json.Decoder(ProblemDetail)

_PROBLEM_MEDIA_TYPES = ("application/problem+json", "application/json")
_MAX_FIELD_ERRORS_IN_MESSAGE = 3


class BriefsClientError(Exception):
    """Base class of every error raised by `BriefsClient`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransportError(BriefsClientError):
    """The request could not be completed: no HTTP response was received.

    ``reason`` is the underlying cause alone (``All connection attempts failed``), so a caller
    that writes its own sentence can quote it without repeating ``message`` around it.
    """

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class ConnectError(TransportError):
    """The server could not be reached (refused, unresolvable, TLS failure)."""


class RequestTimeoutError(TransportError):
    """The server did not answer in time (connect, read, write or pool timeout)."""


class ResponseDecodeError(BriefsClientError):
    """A successful response whose body is not the JSON (or media type) the endpoint promises."""

    def __init__(self, message: str, *, status: int, request_id: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.request_id = request_id


class APIError(BriefsClientError):
    """The server answered with an error status.

    ``problem`` is the decoded RFC 9457 body when the server sent one (``None`` for an error
    from a proxy, say); ``request_id`` comes from ``X-Request-ID`` or the problem body.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        problem: ProblemDetail | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem
        self.request_id = request_id

    @property
    def detail(self) -> str | None:
        """The problem's ``detail``, if any."""
        return self.problem.detail if self.problem else None


# Named after the HTTP status phrases, like the statuses they stand for; the Error suffix
# would only add noise and would clash in readers' minds with service.domain.errors.
class BadRequest(APIError):  # noqa: N818 - named after the HTTP status (see above)
    """400 (or 415): a malformed query or body, an unknown query parameter, a bad media type."""


class Unauthorized(APIError):  # noqa: N818 - named after the HTTP status
    """401: the token is missing, unknown or revoked."""


class Forbidden(APIError):  # noqa: N818 - named after the HTTP status
    """403: the token lacks the scope the operation needs."""


class NotFound(APIError):  # noqa: N818 - named after the HTTP status
    """404: the story, brief, revision, party or token does not exist."""


class Conflict(APIError):  # noqa: N818 - named after the HTTP status
    """409: the resource exists already (same id, or a brief with the same as-of date)."""


class PreconditionFailed(APIError):  # noqa: N818 - named after the HTTP status
    """412: the ``If-Match`` tag is stale; ``current_revision`` is the revision to re-read."""

    @property
    def current_revision(self) -> int | None:
        """The brief's current revision, as reported by the server."""
        return self.problem.current_revision if self.problem else None


class PayloadTooLarge(APIError):  # noqa: N818 - named after the HTTP status
    """413: the request body exceeds the server's limit."""


class Unprocessable(APIError):  # noqa: N818 - named after the HTTP status
    """422: the body decodes but is invalid; ``field_errors`` name each bad field."""

    @property
    def field_errors(self) -> list[FieldError]:
        """Each invalid field with its JSON path."""
        return list(self.problem.errors or []) if self.problem else []


class PreconditionRequired(APIError):  # noqa: N818 - named after the HTTP status
    """428: an update was sent without ``If-Match``."""


class ServerError(APIError):
    """5xx: the server failed; retrying later may help."""


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    413: PayloadTooLarge,
    415: BadRequest,
    422: Unprocessable,
    428: PreconditionRequired,
}

_REASONS: dict[int, str] = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    412: "Stale edit",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid content",
    428: "Missing If-Match",
}


def error_class(status: int) -> type[APIError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, APIError)


def api_error(
    status: int, content_type: str, body: bytes, header_request_id: str | None
) -> APIError:
    """Build the `APIError` subclass for an error response, decoding problem+json if present."""
    problem = decode_problem(content_type, body)
    request_id = header_request_id or (problem.request_id if problem else None)
    return error_class(status)(
        describe(status, problem), status=status, problem=problem, request_id=request_id
    )


def decode_problem(content_type: str, body: bytes) -> ProblemDetail | None:
    """The RFC 9457 body, or ``None`` when the body is not a problem document."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in _PROBLEM_MEDIA_TYPES or not body:
        return None
    try:
        return _problem_decoder.decode(body)
    except msgspec.DecodeError:
        return None


def describe(status: int, problem: ProblemDetail | None) -> str:
    """One readable sentence for an error status and its problem document."""
    reason = _REASONS.get(status, "Server error" if status >= 500 else "Request failed")
    if problem is None:
        return f"{reason} (HTTP {status})."
    text = problem.detail or problem.title or reason
    message = f"{reason}: {text}" if text != reason else reason
    if problem.errors:
        shown = problem.errors[:_MAX_FIELD_ERRORS_IN_MESSAGE]
        fields = "; ".join(f"{error.path}: {error.message}" for error in shown)
        more = len(problem.errors) - len(shown)
        message += f" ({fields}{f'; and {more} more' if more else ''})"
    if problem.current_revision is not None:
        message += f" The current revision is {problem.current_revision}; reload and retry."
    if not message.endswith((".", ")")):
        message += "."
    return f"{message} (HTTP {status})"


__all__ = [
    "APIError",
    "BadRequest",
    "BriefsClientError",
    "Conflict",
    "ConnectError",
    "Forbidden",
    "NotFound",
    "PayloadTooLarge",
    "PreconditionFailed",
    "PreconditionRequired",
    "RequestTimeoutError",
    "ResponseDecodeError",
    "ServerError",
    "TransportError",
    "Unauthorized",
    "Unprocessable",
    "api_error",
    "decode_problem",
    "describe",
    "error_class",
]
