"""The editor's path, end to end, against a real ``briefs serve`` on SQLite and on PostgreSQL.

``briefs new`` drafts the next brief -> ``briefs validate`` passes it -> a POST of that file as
it is creates it -> a GET returns it -> the editor changes the summary -> a PUT of that GET body
with ``If-Match`` and a ``change_note`` stores revision 2 -> ``briefs push`` of an edited file
stores revision 3. The revision list then names who stored each revision and why. Every
``briefs`` step runs as its own process, with the token in ``BRIEFS_TOKEN`` as an editor's
shell would have it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conftest import CEASEFIRE_DIR

from .conftest import BriefsServer, ServerFactory, briefs_command

pytestmark = pytest.mark.slow

STORY = "ceasefire-2025"
BRIEF = "brief-2025-03-20"
EDITOR = "desk-editor"


def briefs(server: BriefsServer, token: str, *args: str | Path, cwd: Path) -> str:
    """Run ``briefs ARGS`` as an editor would (``BRIEFS_URL``, ``BRIEFS_TOKEN``); its stdout."""
    env = {**server.env, "BRIEFS_URL": server.base_url, "BRIEFS_TOKEN": token}
    done = subprocess.run(
        briefs_command(*map(str, args)),
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"briefs {' '.join(map(str, args))}: {done.stderr}"
    return done.stdout


def test_draft_validate_post_get_put_push(
    briefs_server: ServerFactory, database_url: str, tmp_path: Path
) -> None:
    server = briefs_server(database_url, start=False)
    load = subprocess.run(
        briefs_command("load", str(CEASEFIRE_DIR)),
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert load.returncode == 0, load.stderr
    server.start()
    token = server.create_token("write", name=EDITOR)
    auth = {"Authorization": f"Bearer {token}"}
    draft = tmp_path / "draft.json"

    briefs(server, token, "new", STORY, "--as-of", "2025-03-20", "-o", draft, cwd=tmp_path)
    assert "OK: 1 file checked" in briefs(server, token, "validate", draft, cwd=tmp_path)

    with httpx.Client(base_url=f"{server.base_url}/v1/stories/{STORY}/briefs") as http:
        posted = http.post(
            "",
            content=draft.read_bytes(),  # the file as it is
            headers={**auth, "Content-Type": "application/json"},
        )
        assert posted.status_code == 201, posted.text
        assert posted.json()["revision"] == 1

        got = http.get(BRIEF)
        assert got.status_code == 200
        body = got.json()
        body["summary"] = "Each side accuses the other of breaking the energy truce."
        body["change_note"] = "the day's summary"
        put = http.put(
            BRIEF,
            content=json.dumps(body),  # the GET body, edited, read-only fields and all
            headers={**auth, "Content-Type": "application/json", "If-Match": got.headers["etag"]},
        )
        assert put.status_code == 200, put.text
        assert put.json()["revision"] == 2

        edited = tmp_path / "edited.json"
        document = put.json()
        document["takeaways"] = ["Both sides claim the other struck energy sites."]
        edited.write_text(json.dumps(document, indent=2))
        pushed = briefs(
            server, token, "push", edited, "--story", STORY, "--note", "a takeaway", cwd=tmp_path
        )
        assert pushed == f"{BRIEF} r3 by {EDITOR}: a takeaway\n"

        revisions = http.get(f"{BRIEF}/revisions").json()
    assert [
        (revision["revision"], revision["revised_by"], revision["change_note"])
        for revision in revisions
    ] == [
        (1, EDITOR, "carried forward from brief-2025-03-19 r1"),
        (2, EDITOR, "the day's summary"),
        (3, EDITOR, "a takeaway"),
    ]
