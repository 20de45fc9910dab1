"""Screen 6: one party's stance and conditions over time, with its quotes; and the party
picker."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from service.domain.drafting import with_stance
from service.domain.models import Brief, Party, Stance
from service.domain.views import StanceHistory
from tui.editing import EditingMixin
from tui.format import quote_line, stance_label
from tui.screens.base import FittedFooterScreen
from tui.screens.prompts import StanceScreen
from tui.source import DataSource


class PartyScreen(EditingMixin, FittedFooterScreen):
    """A party's stance at every brief that states one, with its conditions; changes are
    marked. ``[``/``]`` switch to the previous or next party, ``p`` picks one, ``s`` changes
    the stance (a new revision of the latest brief)."""

    HELP_TITLE = "Party"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="party.back"),
        Binding(
            "left_square_bracket",
            "switch(-1)",
            "Prev",
            tooltip="The previous party of the story",
            id="party.previous",
        ),
        Binding(
            "right_square_bracket",
            "switch(1)",
            "Next",
            tooltip="The next party of the story",
            id="party.next",
        ),
        Binding("p", "pick", "Pick", tooltip="Pick a party from a list", id="party.pick"),
        Binding("s", "change_stance", "Stance", tooltip="Change the stance", id="party.stance"),
    ]

    def __init__(self, source: DataSource, story_id: str, party_id: str) -> None:
        super().__init__(source)
        self.story_id = story_id
        self.party_id = party_id
        self.history: StanceHistory | None = None
        self.parties: list[Party] = []

    def compose(self) -> ComposeResult:
        """A one-line stance path above the points."""
        yield Header()
        yield Static(id="stance-path")
        yield VerticalScroll(id="points")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Focus the points and load."""
        self.query_one("#points").focus()
        super().on_mount()

    async def load(self) -> None:
        """The story (for the party's name), its stance history and the briefs (for the
        conditions, which the history does not carry)."""
        story, history, briefs = await asyncio.gather(
            self.source.get_story(self.story_id),
            self.source.stance_history(self.story_id, self.party_id),
            self.source.list_briefs(self.story_id),
        )
        self.history = history
        self.parties = list(story.parties)
        party = next((party for party in story.parties if party.id == self.party_id), None)
        name = party.name if party else self.party_id
        self.title = f"{name} in {story.title}"
        path: list[str | Content] = [Content.styled(f"{name}: ", "bold")]
        for index, point in enumerate(history.points):
            if index and point.changed:
                path.append(" → ")
            if index == 0 or point.changed:
                path.append(stance_label(point.stance))
        where = self._position_in_registry()
        if where is not None:
            path.append(
                Content.styled(f"   (party {where + 1} of {len(self.parties)})", "$text-muted")
            )
        self.query_one("#stance-path", Static).update(Content.assemble(*path))
        conditions = _conditions(briefs, self.party_id)
        points = self.query_one("#points", VerticalScroll)
        await points.remove_children()
        blocks: list[Widget] = []
        for index, point in enumerate(history.points):
            previous = history.points[index - 1].stance if index else None
            change = (
                Content.assemble("  (was ", stance_label(previous), ")")
                if point.changed and previous is not None
                else Content("")
            )
            listed = conditions.get(point.brief.brief_id)
            lines = [
                Content.assemble(stance_label(point.stance), change),
                Content(point.statement),
                Content.styled(
                    "Conditions: " + ("; ".join(listed) if listed else "none stated"),
                    "$text-muted",
                ),
                *(quote_line(quote) for quote in point.quotes),
            ]
            # Two columns, so every wrapped line hangs under the text, not under the date.
            blocks.append(
                Horizontal(
                    Static(Content.styled(point.brief.as_of.isoformat(), "bold"), classes="when"),
                    Static(Content("\n").join(lines), classes="what"),
                    classes="point",
                )
            )
        if not blocks:
            blocks.append(Static("No brief states a position for this party.", classes="muted"))
        await points.mount_all(blocks)

    def on_resize(self) -> None:
        """Re-fit the footer to the new width."""
        self.refresh_bindings()

    def action_change_stance(self) -> None:
        """Ask the new stance and statement; store them in the latest brief."""
        if self.history is None or not self.can_write():
            return
        party_id = self.party_id
        party = next((party for party in self.parties if party.id == party_id), None)
        name = party.name if party else party_id
        current = self.history.points[-1].stance if self.history.points else None

        self.ask_quick_change(
            StanceScreen(name, current, list(Stance)),
            lambda change, brief: with_stance(
                brief, party_id, stance=change.stance, statement=change.statement
            ),
            lambda change: f"{name}: stance {change.stance.value}",
        )

    def _position_in_registry(self) -> int | None:
        ids = [party.id for party in self.parties]
        return ids.index(self.party_id) if self.party_id in ids else None

    def action_switch(self, step: int) -> None:
        """Show the previous or next party of the story's registry."""
        where = self._position_in_registry()
        if where is None or not self.parties:
            return
        self.show_party(self.parties[(where + step) % len(self.parties)].id)

    def action_pick(self) -> None:
        """Choose the party to show from a list."""
        if self.parties:
            self.app.push_screen(PartyPickerScreen(self.parties), self._picked)

    def _picked(self, party_id: str | None) -> None:
        if party_id is not None:
            self.show_party(party_id)

    def show_party(self, party_id: str) -> None:
        """Switch this screen to ``party_id`` and load its history."""
        self.party_id = party_id
        self.reload()


def _conditions(briefs: Sequence[Brief], party_id: str) -> dict[str, list[str]]:
    """Each brief's conditions for ``party_id``, by brief id."""
    return {
        brief.ref.brief_id: list(position.conditions)
        for brief in briefs
        for position in brief.positions
        if position.party_id == party_id
    }


class PartyPickerScreen(ModalScreen[str | None]):
    """Choose one of a story's parties; Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_picker", "Cancel", id="picker.cancel"),
    ]

    def __init__(self, parties: Sequence[Party]) -> None:
        super().__init__()
        self.parties = list(parties)

    def compose(self) -> ComposeResult:
        """The party list."""
        yield OptionList(
            *(Option(f"{party.name}  ({party.kind.value})", id=party.id) for party in self.parties),
            id="party-list",
        )

    def on_mount(self) -> None:
        """Title the border."""
        self.query_one(OptionList).border_title = "Open a party"

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_picker(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
