"""``briefs token``: create, list and revoke API tokens, directly in the database.

``briefs token create --name NAME --scope write`` prints the secret token, once, and nothing else on
stdout, so scripts can capture it (``TOKEN=$(briefs token create ...)``). Only its hash is stored.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys

from service.cli._command import Arg, Command, CommandGroup
from service.cli._database import settings_or_report, with_store

SCOPES = ("read", "write", "admin")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def run_create(args: argparse.Namespace) -> int:
    """Create a token; print the secret alone on stdout."""
    settings = settings_or_report("briefs token")
    if settings is None:
        return 2
    from service.api.auth import new_token_record
    from service.domain.errors import ConflictError
    from service.domain.wire import Scope, TokenCreate

    try:
        request = TokenCreate(name=args.name, scopes=[Scope(scope) for scope in args.scope])
        _validate(request)
    except ValueError as error:
        print(f"briefs token create: {error}", file=sys.stderr)
        return 2
    record, secret = new_token_record(request.name, request.scopes, _now())
    try:
        asyncio.run(with_store(settings, lambda store: store.create_token(record)))
    except ConflictError as error:
        print(f"briefs token create: {error.detail}", file=sys.stderr)
        return 1
    print(secret)
    return 0


def _validate(request: object) -> None:
    import msgspec

    from service.domain.wire import TokenCreate

    try:
        msgspec.convert(msgspec.to_builtins(request), TokenCreate)
    except msgspec.ValidationError as error:
        raise ValueError(str(error)) from None


def run_list(args: argparse.Namespace) -> int:
    """Print a table of tokens: name, id, scopes, created, revoked."""
    del args
    settings = settings_or_report("briefs token")
    if settings is None:
        return 2
    records = asyncio.run(with_store(settings, lambda store: store.list_tokens()))
    rows = [("NAME", "ID", "SCOPES", "CREATED", "REVOKED")]
    for record in records:
        rows.append(
            (
                record.name,
                record.id,
                ",".join(scope.value for scope in record.scopes),
                _stamp(record.created_at),
                _stamp(record.revoked_at) if record.revoked_at else "-",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return 0


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def run_revoke(args: argparse.Namespace) -> int:
    """Revoke a token by name or id."""
    settings = settings_or_report("briefs token")
    if settings is None:
        return 2
    from service.domain.errors import NotFoundError

    ref: str = args.token_ref
    try:
        record = asyncio.run(with_store(settings, lambda store: store.revoke_token(ref, _now())))
    except NotFoundError as error:
        print(f"briefs token revoke: {error.detail}", file=sys.stderr)
        return 1
    print(f"revoked {record.name} ({record.id}) at {_stamp(record.revoked_at or _now())}")
    return 0


register = CommandGroup(
    name="token",
    help="manage API tokens: create, list, revoke",
    description="Manage the API tokens stored in BRIEFS_DATABASE_URL.",
    dest="token_command",
    actions=(
        Command(
            name="create",
            handler=run_create,
            help="create a token and print it once",
            description=(
                "Create a token and print its secret, alone on stdout, once: only its hash is "
                "stored, so it cannot be shown again."
            ),
            epilog="example: TOKEN=$(briefs token create --name ingest-2026-12 --scope write)",
            arguments=(
                Arg("--name", required=True, help="unique name, e.g. the client's name"),
                Arg(
                    "--scope",
                    choices=SCOPES,
                    action="append",
                    required=True,
                    help=(
                        "read, write or admin (write implies read, admin implies both); repeatable"
                    ),
                ),
            ),
        ),
        Command(
            name="list",
            handler=run_list,
            help="list tokens (never their secrets)",
            description="Print a table of the tokens: name, id, scopes, created and revoked (UTC).",
        ),
        Command(
            name="revoke",
            handler=run_revoke,
            help="revoke a token by name or id",
            description=(
                "Revoke a token: every server refuses it from its next request on. "
                "Exit 1 if no token has that name or id."
            ),
            arguments=(
                Arg(
                    "token_ref",
                    metavar="NAME_OR_ID",
                    help="the token's name, or its id from `token list`",
                ),
            ),
        ),
    ),
)
