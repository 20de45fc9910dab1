"""`bench.extract` end to end on a dev set written for the test, with a stand-in extractor."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest

from bench import extract as bench
from bench.devset import DEVSET_ENV, DevsetError, load_devset
from service.domain.extract.models import DateMention, ExtractedQuote, Extraction

_QUOTED = re.compile(r"“([^”]+)”")
_FRIDAY = re.compile(r"on Friday")

ARTICLE = {
    "url": "https://example.org/talks",
    "outlet": "Example Wire",
    "published": "2025-03-14",
    "text": "“We are ready,” Ann Example said on Friday. Bob Sample called it “a good start”.",
    "gold": {
        "quotes": [
            {"text": "We are ready,", "speaker": "Ann Example", "cue": "said", "direct": True},
            {"text": "a good start", "speaker": "Bob Sample", "cue": "called it", "direct": True},
        ],
        "indirect": [],
        "dates": [{"mention": "on Friday", "resolves_to": "2025-03-14", "event": "talks"}],
        "parties": [],
    },
    "notes": "written for the test",
}


def stand_in(text: str, published: datetime.date) -> Extraction:
    """Quotes between curly marks, all said by Ann Example; 'on Friday' is the publication day."""
    quotes = [
        ExtractedQuote(
            text=match[1], speaker="Ann Example", cue="said", start=match.start(1), end=match.end(1)
        )
        for match in _QUOTED.finditer(text)
    ]
    dates = [
        DateMention(
            mention=match[0], value=published.isoformat(), start=match.start(), end=match.end()
        )
        for match in _FRIDAY.finditer(text)
    ]
    return Extraction(published=published.isoformat(), quotes=quotes, dates=dates)


@pytest.fixture
def devset(tmp_path: Path) -> Path:
    (tmp_path / "01-example-2025-03-14.json").write_text(json.dumps(ARTICLE), encoding="utf-8")
    return tmp_path


def test_json_report_scores_the_stand_in(devset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = bench.main(["--devset", str(devset), "--json", "--runs", "3"], extract=stand_in)
    report = json.loads(capsys.readouterr().out)
    assert status == 0
    totals = report["totals"]
    assert (totals["f1"], totals["dates"]) == (1.0, 1.0)
    assert (totals["speaker"], totals["cue"]) == (0.5, 0.5)
    errors = report["articles"][0]["quote_errors"]
    assert {error["kind"] for error in errors} == {"speaker", "cue"}
    assert report["words_timed"] == 1_000
    assert report["median_ms"] > 0
    assert "speaker 0.500 < 0.92" in report["missed_targets"]


def test_check_exits_one_when_a_target_is_missed(
    devset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--devset", str(devset), "--check", "--runs", "1"], extract=stand_in) == 1
    table = capsys.readouterr().out
    assert "01-example-2025-03-14" in table
    assert "speaker  'a good start' gold 'Bob Sample', predicted 'Ann Example'" in table
    assert "targets (" in table


def test_the_dev_set_comes_from_the_environment(
    devset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DEVSET_ENV, str(devset))
    assert [article.name for article in load_devset()] == ["01-example-2025-03-14"]


def test_a_missing_dev_set_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--devset", str(tmp_path / "nowhere")], extract=stand_in) == 2
    assert f"no dev set at {tmp_path / 'nowhere'}: set {DEVSET_ENV}" in capsys.readouterr().err


def test_a_malformed_article_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"url": "x"}', encoding="utf-8")
    with pytest.raises(DevsetError, match=r"bad\.json: not a labelled article"):
        load_devset(tmp_path)


def test_an_empty_dev_set_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DevsetError, match="holds no"):
        load_devset(tmp_path)


def test_timed_text_is_cut_at_the_thousandth_word() -> None:
    text = bench.first_words(["one two three.", "four five"], 12)
    assert len(text.split()) == 12
    assert text.endswith("two")


def test_labels_mode_counts_and_flags_labels_not_in_the_text(
    devset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--devset", str(devset), "--labels"]) == 0
    out = capsys.readouterr().out
    assert "totals: 1 articles, 2 quotes, 1 date mentions\nlabel problems: 0" in out
    broken = json.loads(json.dumps(ARTICLE))
    broken["gold"]["dates"] = [{"mention": "next Tuesday", "resolves_to": None}]
    (devset / "02-broken.json").write_text(json.dumps(broken), encoding="utf-8")
    assert bench.main(["--devset", str(devset), "--labels"]) == 1
    assert "LABEL gold date mention not in the text: 'next Tuesday'" in capsys.readouterr().out
