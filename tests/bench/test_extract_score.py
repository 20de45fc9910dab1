"""The extraction scorer's rules, on sentences written for these tests (no article text)."""

from __future__ import annotations

import datetime

import pytest

from bench.devset import Article, Gold, GoldDate, GoldQuote, label_problems, locate
from bench.extract_score import (
    cue_matches,
    dates_match,
    quote_similarity,
    rates,
    same_value,
    score_article,
    speaker_matches,
    surnames,
)
from service.domain.extract.models import DateMention, ExtractedQuote, Extraction

TEXT = (
    "“We are ready,” the minister said on Monday, “to talk.” "
    "The envoy said the talks were “very useful”. Later the envoy said it was “very useful” again."
)


def quote(
    text: str, speaker: str | None = "Ann Example", cue: str | None = "said"
) -> ExtractedQuote:
    start = max(TEXT.find(text), 0)
    return ExtractedQuote(text=text, speaker=speaker, cue=cue, start=start, end=start + len(text))


def article(quotes: list[GoldQuote], dates: list[GoldDate] | None = None) -> Article:
    return Article(
        url="https://example.org/a",
        outlet="Example",
        published=datetime.date(2025, 3, 14),
        text=TEXT,
        gold=Gold(quotes=quotes, dates=dates or []),
        name="test",
    )


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ("We are ready,", "we are ready", 1.0),
        ("“very useful”", "very useful.", 1.0),
        ("It\u2019s not our war.", "It's not our war", 1.0),
        ("a b c d e f g h i j", "a b c d e f g h", 0.8),
        ("very good", "very good and productive", 0.5),
        ("", "", 1.0),
    ],
)
def test_quote_similarity_trims_punctuation_case_and_counts_tokens(
    gold: str, predicted: str, expected: float
) -> None:
    assert quote_similarity(gold, predicted) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ("Volodymyr Zelensky", "Zelenskyy", True),
        ("Volodymyr Zelenskiy", "President Volodymyr Zelensky", True),
        ("Dmitry Peskov", "Kremlin spokesman Dmitry Peskov", True),
        ("Recep Tayyip Erdoğan", "Erdogan", True),
        ("Marco Rubio and Mike Waltz", "Marco Rubio", True),
        ("Marco Rubio", "Marco Rubio and Mike Waltz", False),
        ("Marco Rubio", "Mike Waltz", False),
        ("the Kremlin", "Kremlin", True),
        ("the Kremlin", "Kremlin statement", True),
        ("the White House", "White House readout", True),
        ("the Kremlin", "the statement", False),
        ("US-Ukraine joint statement", "joint statement", True),
        ("US-Ukraine joint statement", "Kremlin statement", False),
        ("Donald Trump", "Trump's", True),
        (None, None, True),
        (None, "Donald Trump", False),
        ("Donald Trump", None, False),
    ],
)
def test_speakers_match_by_normalised_surname(
    gold: str | None, predicted: str | None, expected: bool
) -> None:
    assert speaker_matches(gold, predicted) is expected


def test_surnames_split_joint_speakers_and_drop_suffixes() -> None:
    assert surnames("Ann Example Jr. and Bob Sample") == {"example", "sample"}


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ("said", "Said", True),
        ("said in a statement", "said", True),
        ("also said", "said", True),
        ("has warned", "warned", True),
        ("told reporters", "told journalists", True),
        ("according to the statement", "according to", True),
        ("posted on X stating", "stating", True),
        ("dismissed the statements as", "as", False),
        ("stated on Truth Social", "wrote on Truth Social", False),
        ("said", "added", False),
        (None, None, True),
        (None, "said", False),
    ],
)
def test_cues_match_by_head_word_or_containment(
    gold: str | None, predicted: str | None, expected: bool
) -> None:
    assert cue_matches(gold, predicted) is expected


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ("On Friday", "Friday", True),
        ("today\u2019s", "today", True),
        ("11 March 2025", "March 11", True),
        ("last week", "last month", False),
        ("Earlier this week", "this week", True),
    ],
)
def test_date_mentions_match_by_content_words(gold: str, predicted: str, expected: bool) -> None:
    assert dates_match(gold, predicted) is expected


def test_date_values_compare_single_day_spans() -> None:
    assert same_value("2025-03-14", "2025-03-14/2025-03-14")
    assert not same_value("2025-03-10/2025-03-13", "2025-03-13")
    assert not same_value("2025-03", None)


def test_a_split_quote_scores_as_two_spans_one_to_one() -> None:
    gold = [
        GoldQuote(text="We are ready,", speaker="Ann Example", cue="said"),
        GoldQuote(text="to talk.", speaker="Ann Example", cue="said"),
    ]
    predicted = [quote("We are ready,"), quote("We are ready,"), quote("to talk.", cue="added")]
    score = score_article(article(gold), Extraction(published="2025-03-14", quotes=predicted), [])
    assert (score.gold_quotes, score.predicted_quotes, score.matched) == (2, 3, 2)
    assert score.cues_right == 1
    kinds = [error.kind for error in score.quote_errors]
    assert kinds == ["cue", "spurious"]
    total = rates([score])
    assert total.precision == pytest.approx(2 / 3)
    assert (total.recall, total.cue) == (1.0, 0.5)


def test_repeated_quotes_pair_with_the_nearest_prediction() -> None:
    gold = [
        GoldQuote(text="very useful", speaker="Ann Example", cue="said"),
        GoldQuote(text="very useful", speaker="Bob Sample", cue="said"),
    ]
    second = TEXT.rfind("very useful")
    predicted = [
        ExtractedQuote(text="very useful", speaker="Bob Sample", cue="said", start=second, end=0),
        quote("very useful", speaker="Ann Example"),
    ]
    score = score_article(article(gold), Extraction(published="2025-03-14", quotes=predicted), [])
    assert score.speakers_right == 2


def test_dates_score_only_mentions_with_a_value_and_missing_ones_are_wrong() -> None:
    dates = [
        GoldDate(mention="on Monday", resolves_to="2025-03-10"),
        GoldDate(mention="Later", resolves_to=None),
        GoldDate(mention="again", resolves_to="2025-03-11"),
    ]
    predicted = [
        DateMention(mention="Monday", value="2025-03-10", start=TEXT.find("Monday"), end=0)
    ]
    extraction = Extraction(published="2025-03-14", dates=predicted)
    score = score_article(article([], dates), extraction, [])
    assert (score.gold_dates, score.dates_right) == (2, 1)
    assert [error.mention for error in score.date_errors] == ["again"]


def test_no_predictions_scores_zero_recall_and_f1() -> None:
    gold = [GoldQuote(text="to talk.", speaker=None, cue=None)]
    score = score_article(article(gold), Extraction(published="2025-03-14"), [])
    total = rates([score])
    assert (total.recall, total.f1) == (0.0, 0.0)
    assert (total.precision, total.speaker, total.cue, total.dates) == (None, None, None, None)


def test_locate_follows_label_order_and_reports_what_is_missing() -> None:
    assert locate("a x a", ["a", "a", "A", "zzz"]) == [0, 4, 0, None]
    broken = article([GoldQuote(text="never written", speaker=None, cue=None)])
    assert label_problems(broken) == ["gold quote not in the text: 'never written'"]
