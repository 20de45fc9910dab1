"""Typed async client of the Briefs API: ``from service.client import BriefsClient``.

Responses decode into the domain models (``service.domain``); failures raise the exception tree
of `service.client.errors` and never an httpx exception. See ``docs/client.md``.
"""

from service.client.changes import StreamStatus
from service.client.client import BriefsClient, IssueState
from service.client.errors import (
    APIError,
    BadRequest,
    BriefsClientError,
    Conflict,
    ConnectError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    RequestTimeoutError,
    ResponseDecodeError,
    ServerError,
    TransportError,
    Unauthorized,
    Unprocessable,
)
from service.client.models import (
    BriefFilters,
    ProjectedPage,
    ServiceStatus,
    Tagged,
    TaggedBrief,
)
from service.client.params import BriefRefLike
from service.client.transport import DEFAULT_TIMEOUT

__all__ = [
    "DEFAULT_TIMEOUT",
    "APIError",
    "BadRequest",
    "BriefFilters",
    "BriefRefLike",
    "BriefsClient",
    "BriefsClientError",
    "Conflict",
    "ConnectError",
    "Forbidden",
    "IssueState",
    "NotFound",
    "PayloadTooLarge",
    "PreconditionFailed",
    "PreconditionRequired",
    "ProjectedPage",
    "RequestTimeoutError",
    "ResponseDecodeError",
    "ServerError",
    "ServiceStatus",
    "StreamStatus",
    "Tagged",
    "TaggedBrief",
    "TransportError",
    "Unauthorized",
    "Unprocessable",
]
