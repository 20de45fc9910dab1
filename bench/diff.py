"""Benchmark of the semantic diff, the JSON Patch and the word diff on large synthetic briefs.

Run with ``.venv/bin/python -m bench.diff``. Every figure is a median (and p90) over repeated runs
timed with ``time.perf_counter``; each comes with a baseline measured in the same run so that
the ratio survives a noisy machine:

* ``diff_briefs`` and ``json_patch`` on the large pair (50 parties, 300 issues, 500 events,
  10,000-word summaries; see ``bench.synthetic``) against msgspec encode + decode of both briefs;
* ``word_diff`` on 1k, 10k and 100k-word texts with 2% of the words edited, against tokenising
  both texts; the growth ratios 10k/1k and 100k/10k are about 10 when the cost is linear.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from collections.abc import Callable
from functools import partial

from diff_match_patch import diff_match_patch

from bench.synthetic import edit_text, synthetic_pair, synthetic_text
from service.domain import codec
from service.domain.diff import diff_briefs
from service.domain.models import Brief
from service.domain.patch import json_patch
from service.domain.worddiff import word_diff

TARGET_MS = 20.0
"""The target for ``diff_briefs`` on the large pair, median."""
WORD_COUNTS = (1_000, 10_000, 100_000)
_TOKENS = re.compile(r"\s+|\S+")


class Timing:
    """Median and 90th percentile of repeated timings, in milliseconds."""

    def __init__(self, seconds: list[float]) -> None:
        millis = sorted(value * 1_000 for value in seconds)
        self.best = millis[0]
        self.median = statistics.median(millis)
        self.p90 = statistics.quantiles(millis, n=10)[-1] if len(millis) > 1 else millis[0]

    def __str__(self) -> str:
        return f"median {self.median:7.2f} ms  p90 {self.p90:7.2f} ms  min {self.best:7.2f} ms"


def measure(actions: dict[str, Callable[[], object]], repeat: int) -> dict[str, Timing]:
    """Time each action ``repeat`` times, interleaved round-robin so that background load
    hits the baseline and the subjects alike; two untimed warm-up rounds first."""
    seconds: dict[str, list[float]] = {name: [] for name in actions}
    for round_number in range(repeat + 2):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            if round_number >= 2:
                seconds[name].append(time.perf_counter() - start)
    return {name: Timing(values) for name, values in seconds.items()}


def _round_trip(old: Brief, new: Brief) -> None:
    codec.decode_brief(codec.encode(old))
    codec.decode_brief(codec.encode(new))


def bench_briefs(repeat: int) -> None:
    """``diff_briefs`` and ``json_patch`` on the large pair, against a codec round trip."""
    old, new = synthetic_pair()
    diff = diff_briefs(old, new)
    print(
        f"large pair: {len(old.positions)} parties, {len(old.issues)} issues, "
        f"{len(old.events)} events, {len(old.summary.split())}-word summary; "
        f"diff: {len(diff.parties)} party changes, {len(diff.issues)} issue changes, "
        f"{len(diff.events_added)} events added, {diff.summary.words_added} words added, "
        f"{diff.summary.words_removed} removed, significance {diff.significance}"
    )
    timings = measure(
        {
            "baseline msgspec encode+decode x2": partial(_round_trip, old, new),
            "diff_briefs(old, new)": partial(diff_briefs, old, new),
            "diff_briefs(old, old)": partial(diff_briefs, old, old),
            "json_patch(old, new)": partial(json_patch, old, new),
        },
        repeat,
    )
    baseline = timings.pop("baseline msgspec encode+decode x2")
    print(f"  {'baseline msgspec encode+decode x2':34} {baseline}")
    for label, timing in timings.items():
        ratio = timing.median / baseline.median
        print(f"  {label:34} {timing}   {ratio:5.1f}x baseline")
    semantic = timings["diff_briefs(old, new)"]
    verdict = "met" if semantic.median < TARGET_MS else "MISSED"
    print(f"  target diff_briefs < {TARGET_MS:.0f} ms median: {verdict}")


def _tokenise(old: str, new: str) -> None:
    _TOKENS.findall(old)
    _TOKENS.findall(new)


def plain_dmp_word_diff(old: str, new: str) -> list[tuple[int, str]]:
    """The reference: diff-match-patch in word mode on the whole texts, without anchoring."""
    table: dict[str, str] = {}
    old_chars = "".join(
        table.setdefault(token, chr(0xF0000 + len(table))) for token in _TOKENS.findall(old)
    )
    new_chars = "".join(
        table.setdefault(token, chr(0xF0000 + len(table))) for token in _TOKENS.findall(new)
    )
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    diffs: list[tuple[int, str]] = dmp.diff_main(old_chars, new_chars, False)
    dmp.diff_cleanupSemantic(diffs)
    return diffs


def bench_words(repeat: int, *, plain: bool) -> None:
    """``word_diff`` at growing sizes with 2% of words edited, against tokenising both."""
    previous: Timing | None = None
    for words in WORD_COUNTS:
        rng = random.Random(words)
        old = synthetic_text(rng, words)
        new = edit_text(rng, old, 0.02)
        runs = max(5, repeat * 2_000 // words)
        actions = {
            "baseline": partial(_tokenise, old, new),
            "word_diff": partial(word_diff, old, new),
        }
        if plain:
            actions["plain"] = partial(plain_dmp_word_diff, old, new)
        timings = measure(actions, runs if not plain else max(3, runs // 10))
        baseline, timing = timings["baseline"], timings["word_diff"]
        growth = " " * 28
        if previous:
            median_growth = timing.median / previous.median
            growth = f"growth x{median_growth:4.1f} (min x{timing.best / previous.best:4.1f})"
        previous = timing
        print(
            f"  word_diff {words:>7,} words  {timing}  {growth}  "
            f"{timing.median / baseline.median:4.1f}x tokenising ({baseline.median:.2f} ms)"
        )
        if plain:
            print(f"    plain diff-match-patch, no anchoring  {timings['plain']}")


def bench_rewrite(repeat: int) -> None:
    """``word_diff`` of two unrelated 10,000-word texts (a full rewrite), against tokenising."""
    old = synthetic_text(random.Random(1), 10_000)
    new = synthetic_text(random.Random(2), 10_000)
    timings = measure(
        {"baseline": partial(_tokenise, old, new), "word_diff": partial(word_diff, old, new)},
        max(5, repeat // 5),
    )
    ratio = timings["word_diff"].median / timings["baseline"].median
    print(f"  word_diff  10,000 words rewritten  {timings['word_diff']}  {ratio:4.1f}x tokenising")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmarks and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per measurement")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="also time diff-match-patch on the whole texts (slow: seconds at 100k words)",
    )
    args = parser.parse_args(argv)
    print(f"bench.diff: {args.repeat} timed runs per figure (word diff scales them by size)")
    bench_briefs(args.repeat)
    bench_words(args.repeat, plain=args.plain)
    bench_rewrite(args.repeat)


if __name__ == "__main__":
    main()
