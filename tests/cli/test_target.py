"""`service.cli._target`: the same reads, writes and failures from a story folder and a server."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from service.cli._target import (
    FolderTarget,
    ServerTarget,
    Target,
    TargetConflict,
    TargetError,
    TargetNotFound,
    add_target_arguments,
    open_target,
)
from service.cli.main import EXIT_USAGE
from service.domain.drafting import carry_forward, document_of
from service.domain.files import load_story_dir
from service.domain.models import BriefUpdate, PubStatus
from tests.cli.conftest import CliServer

NEXT_DAY = dt.date(2025, 3, 20)


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_target_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture(params=["folder", pytest.param("server", marks=pytest.mark.slow)])
def target(request: pytest.FixtureRequest, story_dir: Path) -> Iterator[Target]:
    """The same story as a folder and on a server (write token)."""
    opened: Target
    if request.param == "folder":
        opened = FolderTarget(story_dir)
    else:
        story_id: str = request.getfixturevalue("server_story")
        server: CliServer = request.getfixturevalue("cli_server")
        opened = ServerTarget(server.url, story_id, token=server.write_token)
    with opened:
        yield opened


def _summary_changed(target: Target, text: str) -> BriefUpdate:
    current = target.get("latest").value
    return BriefUpdate(**msgspec.structs.asdict(document_of(current)) | {"summary": text})


# --- choosing the target ---------------------------------------------------------------------


def test_a_story_folder_is_a_folder_target(story_dir: Path) -> None:
    assert isinstance(open_target(_args(str(story_dir))), FolderTarget)


def test_a_story_id_with_url_is_a_server_target(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIEFS_TOKEN", raising=False)
    with open_target(_args("ceasefire-2025", "--url", "http://127.0.0.1:9")) as target:
        assert isinstance(target, ServerTarget)
        assert target.where == "http://127.0.0.1:9 story ceasefire-2025"


def test_briefs_url_names_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFS_URL", "http://127.0.0.1:9/")
    with open_target(_args("ceasefire-2025")) as target:
        assert isinstance(target, ServerTarget)
        assert target.url == "http://127.0.0.1:9"


def test_neither_folder_nor_url_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BRIEFS_URL", raising=False)
    with pytest.raises(TargetError, match="give its id with --url URL") as raised:
        open_target(_args(str(tmp_path / "nowhere")))
    assert raised.value.code == EXIT_USAGE


def test_a_url_that_is_not_http_is_a_usage_error() -> None:
    with pytest.raises(TargetError, match="expected http://HOST") as raised:
        open_target(_args("ceasefire-2025", "--url", "localhost:8000"))
    assert raised.value.code == EXIT_USAGE


def test_the_token_file_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BRIEFS_TOKEN", "from-env")
    token_file = tmp_path / "token"
    token_file.write_text("from-file\n")
    args = _args("s", "--url", "http://127.0.0.1:9", "--token-file", str(token_file))
    with open_target(args) as target:
        assert isinstance(target, ServerTarget)
        assert target._token == "from-file"


@pytest.mark.parametrize("content", [None, ""])
def test_a_missing_or_empty_token_file_is_a_usage_error(
    tmp_path: Path, content: str | None
) -> None:
    token_file = tmp_path / "token"
    if content is not None:
        token_file.write_text(content)
    args = _args("s", "--url", "http://127.0.0.1:9", "--token-file", str(token_file))
    with pytest.raises(TargetError, match="--token-file") as raised:
        open_target(args)
    assert raised.value.code == EXIT_USAGE


# --- the same API on both ----------------------------------------------------------------------


def test_latest_is_the_newest_brief(target: Target) -> None:
    latest = target.latest()
    assert latest is not None
    assert latest.id == "brief-2025-03-19"
    before = target.latest(before=dt.date(2025, 3, 18))
    assert before is not None
    assert before.id == "brief-2025-03-14"


def test_get_by_id_date_and_latest(target: Target) -> None:
    by_id = target.get("brief-2025-03-18")
    by_date = target.get("2025-03-18")
    assert by_id == by_date
    assert target.get("latest").value.id == "brief-2025-03-19"
    assert by_id.etag.startswith('"')


def test_a_missing_brief_is_not_found(target: Target) -> None:
    with pytest.raises(TargetNotFound):
        target.get("brief-1999-01-01")
    with pytest.raises(TargetNotFound):
        target.get("1999-01-01")


def test_create_then_update_then_a_stale_update_conflicts(target: Target) -> None:
    latest = target.latest()
    assert latest is not None
    created = target.create(carry_forward(latest, as_of=NEXT_DAY), change_note="a new day")
    assert (created.id, created.revision, created.change_note) == (
        "brief-2025-03-20",
        1,
        "a new day",
    )
    first = target.get(created.id)
    update = BriefUpdate(**msgspec.structs.asdict(document_of(first.value)) | {"summary": "New."})
    second = target.update(created.id, update, if_match=first.etag, change_note="summary")
    assert (second.revision, second.summary, second.change_note) == (2, "New.", "summary")
    with pytest.raises(TargetConflict) as raised:
        target.update(created.id, update, if_match=first.etag, change_note="stale")
    assert raised.value.current.value.revision == 2
    assert target.get(created.id, revision=1).value.summary == ""


def test_an_invalid_update_names_every_field(target: Target) -> None:
    current = target.get("latest")
    document = document_of(current.value)
    positions = [msgspec.structs.replace(p, party_id="atlantis") for p in document.positions[:2]]
    update = BriefUpdate(**msgspec.structs.asdict(document) | {"positions": positions})
    with pytest.raises(TargetError) as raised:
        target.update(current.value.id, update, if_match=current.etag)
    assert "$.positions[0].party_id: unknown party 'atlantis'" in raised.value.message
    assert "$.positions[1].party_id" in raised.value.message
    assert "\n" not in raised.value.message


def test_a_withdrawn_brief_is_never_the_latest(target: Target) -> None:
    current = target.get("latest")
    update = BriefUpdate(
        **msgspec.structs.asdict(document_of(current.value)) | {"status": PubStatus.CANCELED}
    )
    target.update(current.value.id, update, if_match=current.etag, change_note="withdrawn")
    latest = target.latest()
    assert latest is not None
    assert latest.id == "brief-2025-03-18"


# --- specific to each ----------------------------------------------------------------------------


def test_a_folder_update_writes_the_next_revision_file(story_dir: Path) -> None:
    target = FolderTarget(story_dir)
    current = target.get("2025-03-18")
    assert current.etag == '"folder:brief-2025-03-18/r2"'
    update = BriefUpdate(**msgspec.structs.asdict(document_of(current.value)) | {"summary": "X"})
    stored = target.update("brief-2025-03-18", update, if_match=current.etag, change_note="why")
    written = story_dir / "briefs" / "2025-03-18.r3.json"
    assert written.is_file()
    on_disk = load_story_dir(story_dir).brief_on(dt.date(2025, 3, 18))
    assert on_disk == stored
    assert (stored.revision, stored.change_note, stored.revised_by) == (3, "why", None)
    assert stored.revised_at >= current.value.revised_at


def test_a_folder_update_conflicts_when_a_newer_revision_file_appeared(story_dir: Path) -> None:
    target = FolderTarget(story_dir)
    current = target.get("2025-03-18")
    update = BriefUpdate(**msgspec.structs.asdict(document_of(current.value)) | {"summary": "X"})
    target.update("brief-2025-03-18", update, if_match=current.etag)
    with pytest.raises(TargetConflict, match="changed meanwhile"):
        target.update("brief-2025-03-18", update, if_match=current.etag)


def test_a_folder_refuses_a_second_brief_on_one_day(story_dir: Path) -> None:
    target = FolderTarget(story_dir)
    latest = target.latest()
    assert latest is not None
    draft = carry_forward(latest, as_of=latest.as_of, brief_id="brief-again")
    with pytest.raises(TargetError, match="is dated 2025-03-19 already"):
        target.create(draft)


@pytest.mark.slow
def test_a_server_without_a_token_says_how_to_give_one(
    cli_server: CliServer, server_story: str
) -> None:
    with ServerTarget(cli_server.url, server_story, token=None) as target:
        assert target.latest() is not None  # reading needs no token
        current = target.get("latest")
        update = BriefUpdate(**msgspec.structs.asdict(document_of(current.value)))
        with pytest.raises(TargetError, match=r"\$BRIEFS_TOKEN or --token-file"):
            target.update(current.value.id, update, if_match=current.etag)


@pytest.mark.slow
def test_a_read_token_cannot_write(cli_server: CliServer, server_story: str) -> None:
    with ServerTarget(cli_server.url, server_story, token=cli_server.read_token) as target:
        current = target.get("latest")
        update = BriefUpdate(**msgspec.structs.asdict(document_of(current.value)))
        with pytest.raises(TargetError, match="write scope"):
            target.update(current.value.id, update, if_match=current.etag)


@pytest.mark.slow
def test_a_server_update_records_the_token_name(cli_server: CliServer, server_story: str) -> None:
    with ServerTarget(cli_server.url, server_story, token=cli_server.write_token) as target:
        stored = target.update(
            "brief-2025-03-19",
            _summary_changed(target, "Changed."),
            if_match=target.get("latest").etag,
            change_note="provenance",
        )
    assert (stored.revised_by, stored.change_note) == ("cli-desk", "provenance")


@pytest.mark.slow
def test_a_missing_story_on_a_server_is_not_found(cli_server: CliServer) -> None:
    target = ServerTarget(cli_server.url, "no-such-story", token=None)
    with target, pytest.raises(TargetNotFound, match="no-such-story"):
        target.latest()


def test_an_unreachable_server_is_one_line() -> None:
    from e2e.conftest import free_port

    target = ServerTarget(f"http://127.0.0.1:{free_port()}", "s", token=None)
    with target, pytest.raises(TargetError, match="Cannot connect to the server") as raised:
        target.story()
    assert "\n" not in raised.value.message
