"""The compare-and-set across two real server processes sharing one SQLite file."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.store.sqlite import SQLiteStore

from .factories import NOW, STORY_ID, day, make_draft, make_story

pytestmark = pytest.mark.slow

EDITOR = """
import asyncio, datetime as dt, json, sys, time
from pathlib import Path
from service.domain.errors import PreconditionFailedError
from service.domain.models import BriefContent
from service.store.sqlite import SQLiteStore

async def main(path, ready, go, name):
    store = SQLiteStore(Path(path))
    await store.open()
    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.001)
    now = dt.datetime.now(dt.UTC)
    calls = [
        store.update_brief("harbour-talks", "contested", BriefContent(headline=name), 1, now)
        for n in range(16)
    ]
    results = await asyncio.gather(*calls, return_exceptions=True)
    await store.close()
    won = sum(1 for r in results if not isinstance(r, BaseException))
    lost = [r.current_revision for r in results if isinstance(r, PreconditionFailedError)]
    print(json.dumps({"won": won, "lost": lost, "other": [repr(r) for r in results
        if isinstance(r, BaseException) and not isinstance(r, PreconditionFailedError)]}))

asyncio.run(main(*sys.argv[1:]))
"""


def test_one_of_32_editors_in_two_processes_wins(tmp_path: Path) -> None:
    path = tmp_path / "briefs.db"
    asyncio.run(_seed(path))
    go = tmp_path / "go"
    editors = []
    for name in ("left", "right"):
        ready = tmp_path / f"{name}.ready"
        command = [sys.executable, "-c", EDITOR, str(path), str(ready), str(go), name]
        editors.append((ready, subprocess.Popen(command, stdout=subprocess.PIPE, text=True)))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in editors):
        assert time.monotonic() < deadline, "the editor processes did not start"
        assert all(process.poll() is None for _, process in editors)
        time.sleep(0.01)
    go.touch()
    reports = [json.loads(process.communicate(timeout=60)[0]) for _, process in editors]

    assert [report["other"] for report in reports] == [[], []]
    assert sum(report["won"] for report in reports) == 1
    lost = [revision for report in reports for revision in report["lost"]]
    assert len(lost) == 31
    assert set(lost) == {2}
    assert asyncio.run(_revisions(path)) == [1, 2]


async def _seed(path: Path) -> None:
    store = SQLiteStore(path)
    await store.open()
    await store.create_story(make_story())
    await store.create_brief(STORY_ID, make_draft("contested", day(1)), NOW)
    await store.close()


async def _revisions(path: Path) -> list[int]:
    store = SQLiteStore(path)
    await store.open()
    try:
        return [brief.revision for brief in await store.list_revisions(STORY_ID, "contested")]
    finally:
        await store.close()
