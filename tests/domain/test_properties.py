"""Property tests over generated briefs: diffs, patches, word diffs and the codec."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import jsonpatch
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain import codec
from service.domain.derive import issue_lifecycles, stance_history, timeline
from service.domain.diff import diff_briefs, without_trivial
from service.domain.files import latest_revisions
from service.domain.models import Brief, PubStatus
from service.domain.patch import diff_json, json_patch
from service.domain.significance import PROSE_FIELDS
from service.domain.validate import validate_brief
from service.domain.worddiff import word_diff
from tests import strategies

FAST = settings(max_examples=30, deadline=None)
"""Brief-level examples are costly to generate; 30 per property keeps the suite fast."""


@FAST
@given(strategies.briefs())
def test_diff_with_itself_is_empty_and_insignificant(brief: Brief) -> None:
    diff = diff_briefs(brief, brief)

    assert diff.is_empty
    assert (diff.significance, diff.trivial) == (0.0, True)


@FAST
@given(strategies.brief_pairs)
def test_diff_is_deterministic_and_bounded(pair: tuple[Brief, Brief]) -> None:
    old, new = pair
    diff = diff_briefs(old, new)

    assert diff == diff_briefs(old, new)
    assert 0.0 <= diff.significance <= 1.0
    assert diff.trivial == (diff.significance == 0.0)
    assert diff.is_empty == (diff.trivial and without_trivial(diff) == diff)


@FAST
@given(strategies.brief_pairs)
def test_hiding_trivial_changes_is_idempotent_and_keeps_the_new_summary(
    pair: tuple[Brief, Brief],
) -> None:
    old, new = pair
    hidden = without_trivial(diff_briefs(old, new))

    assert without_trivial(hidden) == hidden
    assert "".join(run.text for run in hidden.summary.runs if run.op != "delete") == new.summary
    assert hidden.trivial == hidden.is_empty


@FAST
@given(strategies.brief_pairs)
def test_json_patch_turns_old_into_new(pair: tuple[Brief, Brief]) -> None:
    old, new = pair
    before, after = codec.to_builtins(old), codec.to_builtins(new)

    assert jsonpatch.apply_patch(before, codec.to_builtins(json_patch(old, new))) == after


@FAST
@given(strategies.json_values, strategies.json_values)
def test_diff_json_patches_arbitrary_documents(old: Any, new: Any) -> None:
    assert jsonpatch.apply_patch(old, codec.to_builtins(diff_json(old, new))) == new


@FAST
@given(strategies.briefs())
def test_generated_briefs_are_valid(brief: Brief) -> None:
    assert validate_brief(brief, strategies.FULL_STORY) == []


@FAST
@given(strategies.briefs())
def test_codec_round_trip_is_byte_stable(brief: Brief) -> None:
    encoded = codec.encode_pretty(brief)
    decoded = codec.decode_brief(encoded)

    assert decoded == brief
    assert codec.encode_pretty(decoded) == encoded
    assert codec.convert(codec.to_builtins(brief), Brief) == brief


@FAST
@given(strategies.stories)
def test_story_round_trip_is_byte_stable(story: Any) -> None:
    encoded = codec.encode_pretty(story)

    assert codec.encode_pretty(codec.decode_story(encoded)) == encoded


@settings(max_examples=200, deadline=None)
@given(strategies.text | strategies.sentences, strategies.text | strategies.sentences)
def test_word_diff_runs_reassemble_both_texts(old: str, new: str) -> None:
    diff = word_diff(old, new)

    assert "".join(run.text for run in diff.runs if run.op != "insert") == old
    assert "".join(run.text for run in diff.runs if run.op != "delete") == new
    assert all(run.text for run in diff.runs)
    assert diff.changed == (old != new)
    assert all(first.op != second.op for first, second in pairwise(diff.runs))
    assert all(
        (first.op, second.op) != ("insert", "delete") for first, second in pairwise(diff.runs)
    )


@FAST
@given(st.lists(strategies.prose, min_size=20, max_size=60), st.data())
def test_word_diff_of_longer_edited_texts_reassembles(
    paragraphs: list[str], data: st.DataObject
) -> None:
    old = " ".join(paragraphs)
    edited = list(paragraphs)
    for _ in range(data.draw(st.integers(0, 5))):
        index = data.draw(st.integers(0, len(edited) - 1))
        edited[index] = data.draw(strategies.prose)
    new = "\n".join(edited)

    diff = word_diff(old, new)

    assert "".join(run.text for run in diff.runs if run.op != "insert") == old
    assert "".join(run.text for run in diff.runs if run.op != "delete") == new


@settings(max_examples=15, deadline=None)
@given(st.lists(strategies.briefs(), max_size=3))
def test_derived_views_agree_with_the_standing_briefs(revisions: list[Brief]) -> None:
    # The views see the latest revision of each brief, minus the withdrawn (canceled) ones.
    latest = [b for b in latest_revisions(revisions) if b.status is not PubStatus.CANCELED]
    story_id = strategies.STORY_ID

    derived = timeline(story_id, revisions)
    entries = derived.entries
    assert {ref.brief_id for ref in derived.withdrawn}.isdisjoint(b.id for b in latest)
    assert sorted({event.id for brief in latest for event in brief.events}) == sorted(
        entry.event.id for entry in entries
    )
    assert entries == sorted(entries, key=lambda entry: (entry.event.when.date, entry.event.id))

    for lifecycle in issue_lifecycles(story_id, revisions).issues:
        listing = [
            brief for brief in latest if any(i.id == lifecycle.issue_id for i in brief.issues)
        ]
        assert [point.brief for point in lifecycle.statuses] == [brief.ref for brief in listing]
        assert lifecycle.first_seen == listing[0].ref
        assert lifecycle.current_status == lifecycle.statuses[-1].status
        assert all(
            later.changed == (later.status != earlier.status)
            for earlier, later in pairwise(lifecycle.statuses)
        )
        assert lifecycle.age_days >= 0

    for party_id in strategies.PARTY_IDS:
        points = stance_history(story_id, party_id, revisions).points
        stating = [b for b in latest if any(p.party_id == party_id for p in b.positions)]
        assert [point.brief for point in points] == [brief.ref for brief in stating]


def _tweak_prose(value: Any, key: str = "") -> Any:
    """``value`` with every prose text given trailing punctuation and doubled spaces."""
    if isinstance(value, dict):
        return {name: _tweak_prose(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_tweak_prose(item, key) for item in value]
    if isinstance(value, str) and key in PROSE_FIELDS:
        return value.replace(" ", "  ") + "!"
    return value


@FAST
@given(strategies.briefs())
def test_punctuation_and_spacing_edits_everywhere_are_trivial(brief: Brief) -> None:
    tweaked = codec.convert(_tweak_prose(codec.to_builtins(brief)), Brief)

    diff = diff_briefs(brief, tweaked)

    assert (diff.trivial, diff.significance) == (True, 0.0)
    assert without_trivial(diff).is_empty
