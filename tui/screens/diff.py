"""Screen 4: what changed between two briefs or revisions; step through time with [ and ]."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Header, Static

from service.domain.changelog import Change
from service.domain.changes import BriefDiff
from service.domain.diff import without_trivial
from service.domain.editing import provenance as revision_provenance
from service.domain.models import Brief, BriefRef, Issue
from service.domain.presentation import DiffContext, counts, significance
from tui.format import pair_label, spans
from tui.live import LiveMixin
from tui.screens.base import FittedFooterScreen
from tui.source import DataSource
from tui.widgets.diff_view import DiffView
from tui.widgets.live import RevisionBanner
from tui.widgets.search import SearchBar, SearchMixin, Target, search_bindings


def provenance(old: BriefRef, new: BriefRef) -> str:
    """Who stored each side and why (``old r1 by desk: note · new r2 by desk: note``); empty
    when neither side says (imported files, authentication off)."""

    return " · ".join(
        f"{name} {revision_provenance(ref)}"
        for name, ref in (("old", old), ("new", new))
        if ref.revised_by or ref.change_note
    )


class DiffScreen(SearchMixin, LiveMixin, FittedFooterScreen):
    """The semantic diff from ``old`` to ``new``; ``/`` searches its sections."""

    HELP_TITLE = "Diff"
    #: The sections take the focus, so the arrow keys and the mouse wheel scroll at once.
    AUTO_FOCUS = "#diff"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="diff.back"),
        Binding("left_square_bracket,left", "step(-1)", "Earlier", id="diff.earlier"),
        Binding("right_square_bracket,right", "step(1)", "Later", id="diff.later"),
        Binding("t", "toggle_trivial", "Hide trivial", id="diff.trivial"),
        Binding("s", "toggle_sides", "Side by side", id="diff.sides"),
        Binding("f", "toggle_full", "Whole summary", id="diff.full"),
        Binding("i", "jump('issues')", "Issues", id="diff.issues"),
        *search_bindings("diff", step_keys=False),
        Binding("n", "section(1)", "Next section or match", show=False, id="diff.next"),
        Binding("N", "section(-1)", "Previous section or match", show=False, id="diff.previous"),
        Binding(
            "u",
            "load_offered",
            "Diff the new revision",
            show=False,
            tooltip="Diff against the revision stored since this diff opened",
            id="diff.load_new",
        ),
    ]

    def __init__(self, source: DataSource, story_id: str, old: BriefRef, new: BriefRef) -> None:
        super().__init__(source)
        self.story_id = story_id
        self.old = old
        self.new = new
        self.hide_trivial = False
        self.side_by_side = False
        self.full_summary = False
        self.diff: BriefDiff | None = None
        self.briefs: list[Brief] = []
        self._names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        """A heading naming both sides, then the sections."""
        yield Header()
        yield Static(id="diff-head")
        yield DiffView(id="diff")
        yield RevisionBanner()
        yield SearchBar()
        yield Footer(compact=True)

    async def load(self) -> None:
        """The diff, the brief list (to step through time) and the party names."""
        diff, briefs, story = await asyncio.gather(
            self.source.diff(self.story_id, self.old, self.new),
            self.source.list_briefs(self.story_id),
            self.source.get_story(self.story_id),
        )
        self.diff, self.briefs = diff, briefs
        self._names = {party.id: party.name for party in story.parties}
        self.title = f"Diff {pair_label(self.old, self.new)}"
        await self.render_diff()

    async def render_diff(self) -> None:
        """Show the loaded diff with the current toggles."""
        if self.diff is None:
            return
        shown = without_trivial(self.diff) if self.hide_trivial else self.diff
        toggles = [
            "trivial hidden" if self.hide_trivial else "trivial shown",
            "side by side" if self.side_by_side else "inline",
            "whole summary" if self.full_summary else "summary changes",
        ]
        context = self._diff_context(trivial_hidden=self.hide_trivial)
        said = [spans(significance(shown, context)), Content(" · ".join(["", *toggles]))]
        counted = counts(shown)
        if counted:
            said += [Content("\n"), spans(counted)]
        stored_by = provenance(shown.old, shown.new)
        if stored_by:
            said += [Content("\n"), Content.styled(stored_by, "$text-muted")]
        self.query_one("#diff-head", Static).update(Content.assemble(*said))
        await self.query_one(DiffView).show(
            shown,
            context,
            side_by_side=self.side_by_side,
            full_summary=self.full_summary,
        )
        if self.search_query:  # the sections are new widgets: mark and find the query again
            self.query_one(DiffView).mark(self.search_query)
            self.refresh_search()

    def change_arrived(self, change: Change) -> None:
        """A newer revision of the new side's brief: offer to diff against it (``u``)."""
        if change.brief_id == self.new.brief_id and (change.revision or 0) > self.new.revision:
            self.query_one(RevisionBanner).offer(change, "u")

    def action_load_offered(self) -> None:
        """Diff against the revision the banner offers."""
        banner = self.query_one(RevisionBanner)
        change = banner.change
        if change is None or change.revision is None or change.as_of is None:
            self.notify("No newer revision has been stored.", severity="information")
            return
        self.new = BriefRef(
            brief_id=self.new.brief_id, as_of=change.as_of, revision=change.revision
        )
        banner.withdraw()
        self.reload()

    def search_changed(self) -> None:
        """Highlight the query's matches in the sections."""
        self.query_one(DiffView).mark(self.search_query)

    def search_targets(self) -> Iterable[Target]:
        """The sections, top to bottom."""
        return self.query_one(DiffView).search_targets()

    def _diff_context(self, *, trivial_hidden: bool) -> DiffContext:
        """Party names, and the sources and issue notes of whichever side's brief is at hand."""
        sides = {(self.old.brief_id, self.old.revision), (self.new.brief_id, self.new.revision)}
        known = [brief for brief in self.briefs if (brief.id, brief.revision) in sides]

        def issues(ref: BriefRef) -> dict[str, Issue]:
            side = (b for b in known if (b.id, b.revision) == (ref.brief_id, ref.revision))
            return {issue.id: issue for brief in side for issue in brief.issues}

        return DiffContext(
            parties=self._names,
            sources={source.id: source for brief in known for source in brief.sources},
            issues=issues(self.new),
            old_issues=issues(self.old),
            trivial_hidden=trivial_hidden,
        )

    async def action_toggle_trivial(self) -> None:
        """Hide or show whitespace, punctuation and letter-case edits."""
        self.hide_trivial = not self.hide_trivial
        await self.render_diff()

    async def action_toggle_full(self) -> None:
        """Switch the summary between its changed places and the whole text."""
        self.full_summary = not self.full_summary
        await self.render_diff()

    async def action_toggle_sides(self) -> None:
        """Switch the summary between inline and side by side."""
        self.side_by_side = not self.side_by_side
        await self.render_diff()

    def action_jump(self, section: str) -> None:
        """Scroll a section to the top."""
        if not self.query_one(DiffView).jump(section):
            self.notify(f"No {section} changed.", severity="information")

    def action_section(self, step: int) -> None:
        """Scroll to the next or previous match while a search is on, else section."""
        if self.search_query:
            self.action_search_step(step)
            return
        self.query_one(DiffView).step_section(step)

    def action_step(self, step: int) -> None:
        """Move both sides to the previous or next pair of consecutive briefs."""
        ids = [brief.id for brief in self.briefs]
        if self.new.brief_id not in ids:
            return
        index = ids.index(self.new.brief_id) + step
        if index < 1 or index >= len(self.briefs):
            self.notify("No briefs further that way.", severity="warning")
            return
        self.old, self.new = self.briefs[index - 1].ref, self.briefs[index].ref
        self.reload()
