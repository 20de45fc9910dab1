"""API token administration (the `admin` scope)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Response, get, post
from litestar.params import JSONBody, Parameter

from service.api.auth import new_token_record, token_info
from service.api.deps import StoreDep
from service.api.errors import problem_responses
from service.api.resources import resource
from service.domain.wire import Scope, TokenCreate, TokenCreated, TokenInfo

ADMIN = {"scope": Scope.ADMIN}


@get("/", operation_id="listTokens", responses=problem_responses(401, 403))
async def list_tokens(store: StoreDep) -> list[TokenInfo]:
    """Every token, revoked ones included, by creation time. Never shows secrets."""
    return [token_info(record) for record in await store.list_tokens()]


@post("/", operation_id="createToken", responses=problem_responses(401, 403, 409, 413, 415, 422))
async def create_token(store: StoreDep, data: JSONBody[TokenCreate]) -> Response[TokenCreated]:
    """Create a token; the secret is in this response only. 409 when the name is taken."""
    record, secret = new_token_record(data.name, data.scopes, dt.datetime.now(dt.UTC))
    await store.create_token(record)
    return Response(TokenCreated(info=token_info(record), token=secret), status_code=201)


@post(
    "/{token_ref:str}/revoke",
    operation_id="revokeToken",
    status_code=200,
    responses=problem_responses(401, 403, 404),
)
async def revoke_token(
    store: StoreDep,
    token_ref: Annotated[
        str,
        Parameter(
            description="The token's id or name.",
            min_length=1,
            max_length=100,
            pattern=r"^[\w.@-]+$",
        ),
    ],
) -> TokenInfo:
    """Revoke a token by id or name; it stops working at once. Revoking twice is harmless."""
    return token_info(await store.revoke_token(token_ref, dt.datetime.now(dt.UTC)))


ROUTER = resource("/v1/tokens", list_tokens, create_token, revoke_token, tag="tokens", opt=ADMIN)
