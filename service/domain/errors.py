"""Domain errors, raised by the store and the domain logic and mapped to HTTP in one place
(``service.api.errors``). Each carries a human-readable ``detail``."""

from __future__ import annotations


class DomainError(Exception):
    """Base class of every domain error."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(DomainError):
    """The story, brief, revision or token does not exist."""


class ConflictError(DomainError):
    """The resource already exists (same id, or same as-of date for a brief)."""


class PreconditionFailedError(DomainError):
    """An update was based on a revision that is no longer current (a stale ``If-Match``)."""

    def __init__(self, detail: str, current_revision: int) -> None:
        super().__init__(detail)
        self.current_revision = current_revision


class InvalidContentError(DomainError):
    """Content that decodes but breaks a cross-field rule; ``problems`` has (path, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems


class InvalidBodyError(InvalidContentError):
    """A request body that is JSON but not the model: unknown fields, bad values or types."""


class MalformedBodyError(DomainError):
    """Bytes that are not usable JSON: not UTF-8, nested too deeply, or a syntax error.
    ``detail`` is a lower-case phrase (``not valid UTF-8 (byte 20)``)."""


def first_line(error: BaseException) -> str:
    """The first line of an error's message, or its class name when it has none: a driver's
    error summarised for a one-line report (CLI stderr, a health detail)."""
    text = str(error)
    return text.splitlines()[0] if text else type(error).__name__
