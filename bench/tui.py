"""Terminal client: cold start to the first painted stories screen, and the time to open the diff
screen on two large synthetic briefs, each against a baseline measured in the same run.

    .venv/bin/python -m bench.tui                    # 7 cold starts each, 15 diff renders
    .venv/bin/python -m bench.tui --starts 11 --renders 25

Cold start runs in a fresh interpreter every time (``python -m bench.tui --child ...``): the
parent times from spawning the process to the child's report that the stories table is painted
(headless, 120x40, fixture folder), so imports, Textual start-up, the first load and the first
paint all count. The baseline is a bare Textual app showing one `Static`, started the same way.

The diff render opens `DiffScreen` on a precomputed diff of ``bench.synthetic.synthetic_pair``
(50 parties, 300 issues, 500 events, a 10,000-word summary), served from memory, so the figure
is the TUI's own cost (layout and paint), not the diff's (``bench.diff`` measures that). The
baseline mounts one `Static` holding the same summary as plain text. Peak memory is each child's
``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "stories"
SIZE = (120, 40)
TARGET_START_S = 1.0
TARGET_RENDER_MS = 150.0
TARGET_RSS_MIB = 150.0


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _report(**values: Any) -> None:
    print(json.dumps({**values, "maxrss_mib": _maxrss_mib()}), flush=True)


# --- children ---------------------------------------------------------------------------------


def child_start(kind: str) -> None:
    """Start an app headless and report as soon as its first screen is painted with data."""
    from textual.app import App
    from textual.pilot import Pilot

    app: App[None]
    if kind == "bare":
        from textual.app import ComposeResult
        from textual.widgets import Static

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Static("Hello")

        app = Bare()
    else:
        from textual.widgets import DataTable

        from tui.app import BriefsApp
        from tui.sources.local import DirSource

        app = BriefsApp(DirSource(FIXTURES))

    async def ready(pilot: Pilot[None]) -> None:
        if kind != "bare":
            await pilot._wait_for_screen()  # the stories screen is mounted, its load started
            await pilot.app.workers.wait_for_complete()
            rows = pilot.app.screen.query_one(DataTable).row_count
            assert rows, "the stories screen painted no stories"
        await pilot._wait_for_screen()
        pilot.app.screen._on_timer_update()  # lay out and paint now, as the next frame would
        _report(ready=True)
        pilot.app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=ready)


def child_render(renders: int) -> None:
    """Open and re-render the diff screen on the large synthetic pair; report the times."""
    from bench.synthetic import STORY_ID, synthetic_pair
    from service.domain.changes import BriefDiff
    from service.domain.diff import diff_briefs
    from service.domain.models import Party, PartyKind, Story
    from tui.app import BriefsApp
    from tui.screens.diff import DiffScreen

    old, new = synthetic_pair()
    large = diff_briefs(old, new)
    # A second large diff, so each re-render lays out text no cache has seen the moment before.
    other = diff_briefs(*synthetic_pair(seed=2026))
    empty = BriefDiff(story_id=STORY_ID, old=old.ref, new=new.ref)
    party_ids = sorted({position.party_id for position in new.positions})
    story = Story(
        id=STORY_ID,
        title="Synthetic",
        parties=[Party(id=pid, name=pid.title(), kind=PartyKind.STATE) for pid in party_ids],
    )

    async def measure() -> dict[str, list[float]]:
        timings: dict[str, list[float]] = {}
        source = _MemorySource(story, [old, new], large)
        app = BriefsApp(source)  # type: ignore[arg-type]  # an in-memory stand-in
        async with app.run_test(size=SIZE) as pilot:

            async def painted(started: float) -> float:
                # Process every pending message, then lay out and paint now, as the next
                # frame would; Pilot.pause() would add its idle-detection sleeps.
                await pilot._wait_for_screen()
                app.screen._on_timer_update()
                return time.perf_counter() - started

            async def open_screen(diff: BriefDiff, key: str) -> DiffScreen:
                source.diff_result = diff
                screen = DiffScreen(source, STORY_ID, old.ref, new.ref)  # type: ignore[arg-type]
                started = time.perf_counter()
                await app.push_screen(screen)
                await app.workers.wait_for_complete()
                timings.setdefault(key, []).append(await painted(started))
                return screen

            async def close_screen() -> None:
                await app.pop_screen()
                await painted(time.perf_counter())  # settle before the next measurement

            await app.workers.wait_for_complete()
            for _ in range(renders):
                await open_screen(empty, "open, empty diff (baseline)")
                await close_screen()
                screen = await open_screen(large, "open, large diff")
                for key, sides in (("re-render, inline", False), ("re-render, side by side", True)):
                    for diff in (other, large):
                        screen.diff, screen.side_by_side = diff, sides
                        started = time.perf_counter()
                        await screen.render_diff()
                        timings.setdefault(key, []).append(await painted(started))
                await close_screen()
        return timings

    _report(timings=asyncio.run(measure()), summary_words=len(new.summary.split()))


class _MemorySource:
    """Serves one precomputed diff from memory (the `DataSource` calls the diff screen makes)."""

    def __init__(self, story: Any, briefs: list[Any], diff: Any) -> None:
        self._story, self._briefs, self.diff_result = story, briefs, diff
        self.label, self.timeout = "memory", 60.0

    async def list_stories(self) -> list[Any]:
        return []

    async def get_story(self, story_id: str) -> Any:
        return self._story

    async def list_briefs(self, story_id: str) -> list[Any]:
        return self._briefs

    async def diff(self, story_id: str, old: Any, new: Any) -> Any:
        return self.diff_result

    async def aclose(self) -> None:
        return None


# --- parent -----------------------------------------------------------------------------------


def _spawn(*args: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-m", "bench.tui", "--child", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        line = process.stdout.readline()
        elapsed = time.perf_counter() - started
        _, errors = process.communicate(timeout=60)
    if not line:
        raise RuntimeError(f"child {args} reported nothing:\n{errors}")
    return elapsed, json.loads(line)


def _verdict(value: float, target: float) -> str:
    return "ok" if value < target else "OVER TARGET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=7, help="cold starts per app")
    parser.add_argument("--renders", type=int, default=15, help="diff screen renders")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "render":
            child_render(int(rest[0]))
        else:
            child_start(kind)
        return

    starts: dict[str, list[float]] = {"bare": [], "briefs": []}
    rss: dict[str, float] = {"bare": 0.0, "briefs": 0.0}
    for _ in range(args.starts):
        for kind in ("bare", "briefs"):  # interleaved, so drift hits both alike
            elapsed, report = _spawn(kind)
            starts[kind].append(elapsed)
            rss[kind] = max(rss[kind], report["maxrss_mib"])
    bare, briefs = statistics.median(starts["bare"]), statistics.median(starts["briefs"])
    print(f"cold start, median of {args.starts} fresh processes (headless {SIZE[0]}x{SIZE[1]}):")
    print(f"  bare Textual app        {bare * 1000:7.0f} ms   peak RSS {rss['bare']:6.1f} MiB")
    print(
        f"  briefs tui --dir        {briefs * 1000:7.0f} ms   peak RSS {rss['briefs']:6.1f} MiB"
        f"   x{briefs / bare:.2f} of bare   target < {TARGET_START_S:.1f} s: "
        f"{_verdict(briefs, TARGET_START_S)}"
    )

    _, report = _spawn("render", str(args.renders))
    timings = {key: statistics.median(values) * 1000 for key, values in report["timings"].items()}
    baseline = timings["open, empty diff (baseline)"]
    print(
        f"diff screen, large synthetic pair ({report['summary_words']} summary words, "
        f"300 issues, 500 events), median of {args.renders}:"
    )
    for key, value in timings.items():
        verdict = "" if "baseline" in key else f"   target < {TARGET_RENDER_MS:.0f} ms: "
        verdict += "" if "baseline" in key else _verdict(value, TARGET_RENDER_MS)
        print(f"  {key:<30} {value:7.1f} ms   x{value / baseline:.2f} of baseline{verdict}")
    print(
        f"  peak RSS of the render process {report['maxrss_mib']:6.1f} MiB   target < "
        f"{TARGET_RSS_MIB:.0f} MiB: {_verdict(report['maxrss_mib'], TARGET_RSS_MIB)}"
    )


if __name__ == "__main__":
    main()
