"""Screen 6: one party's stance over time, with its quotes; and the party picker."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from service.domain.models import Party
from service.domain.views import StanceHistory
from tui.format import quote_line, stance_label
from tui.screens.base import DataScreen
from tui.source import DataSource


class PartyScreen(DataScreen):
    """A party's stance at every brief that states one; changes are marked."""

    HELP_TITLE = "Party"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="party.back"),
    ]

    def __init__(self, source: DataSource, story_id: str, party_id: str) -> None:
        super().__init__(source)
        self.story_id = story_id
        self.party_id = party_id
        self.history: StanceHistory | None = None

    def compose(self) -> ComposeResult:
        """A one-line stance path above the points."""
        yield Header()
        yield Static(id="stance-path")
        yield VerticalScroll(id="points")
        yield Footer()

    def on_mount(self) -> None:
        """Focus the points and load."""
        self.query_one("#points").focus()
        super().on_mount()

    async def load(self) -> None:
        """The story (for the party's name) and its stance history."""
        story, history = await asyncio.gather(
            self.source.get_story(self.story_id),
            self.source.stance_history(self.story_id, self.party_id),
        )
        self.history = history
        party = next((party for party in story.parties if party.id == self.party_id), None)
        name = party.name if party else self.party_id
        self.title = f"{name} in {story.title}"
        path: list[str | Content] = [Content.styled(f"{name}: ", "bold")]
        for index, point in enumerate(history.points):
            if index and point.changed:
                path.append(" → ")
            if index == 0 or point.changed:
                path.append(stance_label(point.stance))
        self.query_one("#stance-path", Static).update(Content.assemble(*path))
        points = self.query_one("#points", VerticalScroll)
        await points.remove_children()
        blocks: list[Static] = []
        for index, point in enumerate(history.points):
            previous = history.points[index - 1].stance if index else None
            change = (
                Content.assemble("  (was ", stance_label(previous), ")")
                if point.changed and previous is not None
                else Content("")
            )
            lines = [
                Content.assemble(
                    (point.brief.as_of.isoformat(), "bold"),
                    "  ",
                    stance_label(point.stance),
                    change,
                ),
                Content(point.statement),
                *(Content.assemble("  ", quote_line(quote)) for quote in point.quotes),
            ]
            blocks.append(Static(Content("\n").join(lines), classes="point"))
        if not blocks:
            blocks.append(Static("No brief states a position for this party.", classes="muted"))
        await points.mount_all(blocks)


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
