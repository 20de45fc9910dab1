"""Score the extractor on the labelled dev set, and time it on 1,000 words.

Run with ``.venv/bin/python -m bench.extract`` (``--json`` for machines, ``--check`` to exit 1
when a target is missed). The dev set is read from ``$BRIEFS_DEVSET`` or ``../shared/articles``
(see ``bench.devset``); the scoring rules are in ``bench.extract_score`` and docs/extraction.md.
Timing: the dev set's texts joined and cut at 1,000 words, extracted ``--runs`` times after two
warm-up runs; the median is the figure.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from collections.abc import Callable, Sequence
from functools import partial

import msgspec

from bench.devset import Article, DevsetError, devset_dir, label_problems, load_devset
from bench.diff import measure
from bench.extract_score import ArticleScore, Rates, rates, score_article
from service.domain.extract.models import Extraction

Extractor = Callable[[str, datetime.date], Extraction]
"""What is benchmarked: article text and publication date in, an `Extraction` out."""

TARGETS = {"f1": 0.95, "speaker": 0.92, "cue": 0.90, "dates": 0.90}
"""The dev-set targets of issue 13 (rates are at least these)."""
TARGET_MS = 50.0
"""The target for extracting 1,000 words, median."""
TIMED_WORDS = 1_000
_WORD = re.compile(r"\S+")


class Report(msgspec.Struct, kw_only=True, frozen=True):
    """The whole run: per-article counts and errors, the totals, the timing and the verdict."""

    devset: str
    articles: list[ArticleScore]
    totals: Rates
    words_timed: int
    runs: int
    median_ms: float
    missed_targets: list[str]


def the_extractor() -> Extractor:
    """``service.domain.extract.extract``, with a clear error if it cannot be imported."""
    try:
        from service.domain.extract import extract as extract_article
    except ImportError as error:
        raise DevsetError(f"the extractor is not available: {error}") from None

    def run(text: str, published: datetime.date) -> Extraction:
        return extract_article(text, published)

    return run


def first_words(texts: Sequence[str], count: int) -> str:
    """The texts joined by blank lines, cut after the ``count``-th word (repeated if short)."""
    joined = "\n\n".join(texts)
    if not _WORD.search(joined):
        raise DevsetError("the dev set's texts hold no words to time")
    while len(_WORD.findall(joined)) < count:
        joined = f"{joined}\n\n{joined}"
    last = list(_WORD.finditer(joined))[count - 1]
    return joined[: last.end()]


def median_ms(extract: Extractor, text: str, published: datetime.date, runs: int) -> float:
    """The median wall time of ``extract(text, published)`` over ``runs`` runs (after two
    untimed warm-up runs), in ms."""
    return measure({"extract": partial(extract, text, published)}, runs)["extract"].median


def evaluate(articles: Sequence[Article], extract: Extractor, *, devset: str, runs: int) -> Report:
    """Extract and score every article, then time 1,000 words."""
    scores = [
        score_article(article, extract(article.text, article.published), label_problems(article))
        for article in articles
    ]
    totals = rates(scores)
    text = first_words([article.text for article in articles], TIMED_WORDS)
    timing = median_ms(extract, text, articles[-1].published, runs)
    missed = []
    for name, target in TARGETS.items():
        value: float | None = getattr(totals, name)
        if value is None:
            missed.append(f"{name}: nothing to measure")
        elif value < target:
            missed.append(f"{name} {value:.3f} < {target}")
    if timing >= TARGET_MS:
        missed.append(f"time {timing:.1f} ms >= {TARGET_MS:.0f} ms")
    return Report(
        devset=devset,
        articles=scores,
        totals=totals,
        words_timed=TIMED_WORDS,
        runs=runs,
        median_ms=timing,
        missed_targets=missed,
    )


def _rate(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.2f}"


def _row(name: str, score: Rates, counts: str) -> str:
    figures = (score.precision, score.recall, score.f1, score.speaker, score.cue, score.dates)
    return f"{name:34} {counts} " + " ".join(_rate(value) for value in figures)


def _counts(scores: Sequence[ArticleScore]) -> str:
    def total(field: str) -> int:
        return sum(int(getattr(score, field)) for score in scores)

    return (
        f"{total('gold_quotes'):4} {total('predicted_quotes'):4} {total('matched'):4} "
        f"{total('gold_dates'):4}"
    )


def _short(text: str, limit: int = 72) -> str:
    """A long quote's head and tail, so an error stays on one line (``--json`` keeps it whole)."""
    return text if len(text) <= limit else f"{text[: limit - 22]} … {text[-20:]}"


def render(report: Report) -> str:
    """The report as a table per article, the errors below it, then the totals."""
    lines = [
        f"dev set {report.devset}: {len(report.articles)} articles",
        f"{'article':34} gold pred  hit date     P     R    F1   spk   cue dates",
    ]
    lines += [_row(score.name, rates([score]), _counts([score])) for score in report.articles]
    lines.append(_row("TOTAL", report.totals, _counts(report.articles)))
    for score in report.articles:
        if not (score.quote_errors or score.date_errors or score.label_problems):
            continue
        lines.append(f"\n{score.name}:")
        lines += [f"  LABEL {problem}" for problem in score.label_problems]
        for error in score.quote_errors:
            detail = {
                "missed": f"(gold speaker {error.gold})",
                "spurious": f"(predicted speaker {error.predicted})",
            }.get(error.kind, f"gold {error.gold!r}, predicted {error.predicted!r}")
            lines.append(f"  {error.kind:8} {_short(error.text)!r} {detail}")
        for date in score.date_errors:
            found = (
                f"{date.predicted_mention!r} -> {date.predicted}" if date.predicted_mention else "-"
            )
            lines.append(f"  date     {date.mention!r} gold {date.gold}, predicted {found}")
    lines.append(
        f"\nextraction time, {report.words_timed:,} words: median {report.median_ms:.2f} ms "
        f"over {report.runs} runs (target < {TARGET_MS:.0f} ms)"
    )
    targets = ", ".join(f"{name} >= {target}" for name, target in TARGETS.items())
    verdict = "; ".join(report.missed_targets) if report.missed_targets else "all met"
    lines.append(f"targets ({targets}): {verdict}")
    return "\n".join(lines)


def check_labels(articles: Sequence[Article]) -> int:
    """Print each article's label counts and problems; 1 when any label is not in its text."""
    problems = 0
    print(f"{'article':34} quotes dates valued indirect  outlet")
    for article in articles:
        gold = article.gold
        valued = sum(date.resolves_to is not None for date in gold.dates)
        print(
            f"{article.name:34} {len(gold.quotes):6} {len(gold.dates):5} {valued:6} "
            f"{len(gold.indirect):8}  {article.outlet}"
        )
        for problem in label_problems(article):
            problems += 1
            print(f"  LABEL {problem}")
    quotes = sum(len(article.gold.quotes) for article in articles)
    dates = sum(len(article.gold.dates) for article in articles)
    print(f"totals: {len(articles)} articles, {quotes} quotes, {dates} date mentions")
    print(f"label problems: {problems}")
    return 1 if problems else 0


def main(argv: list[str] | None = None, extract: Extractor | None = None) -> int:
    """Run the bench; the exit status is 1 with ``--check`` when a target is missed, 2 when
    the dev set or the extractor is missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--devset", help="directory of labelled articles (default: $BRIEFS_DEVSET)")
    parser.add_argument("--runs", type=int, default=50, help="timed runs on 1,000 words")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--labels",
        action="store_true",
        help="only check the labels (each quote and date mention is in its text) and count them",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        directory = devset_dir(args.devset)
        articles = load_devset(directory)
        if args.labels:
            return check_labels(articles)
        report = evaluate(
            articles, extract or the_extractor(), devset=str(directory), runs=args.runs
        )
    except DevsetError as error:
        print(f"bench.extract: {error}", file=sys.stderr)
        return 2
    print(msgspec.json.encode(report).decode() if args.json else render(report))
    return 1 if args.check and report.missed_targets else 0


if __name__ == "__main__":
    sys.exit(main())
