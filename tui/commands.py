"""Command palette entries: every action bound on the current screen, plus story and party
shortcuts, so nothing is reachable only through a key."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from tui.screens.stories import StoriesScreen
from tui.screens.timeline import TimelineScreen


class BriefsCommands(Provider):
    """Actions of the active screen, stories to open and parties of the open story."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        commands: list[tuple[str, str, Callable[[], object]]] = []
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            # Briefs' own actions only (they all carry ids): a focused widget's scrolling keys
            # and Textual's focus keys are not commands; Textual lists its own already.
            if binding.id is None or not isinstance(active.node, Screen | App):
                continue
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            run = partial(self.app.run_action, binding.action, active.node)
            key = self.app.get_key_display(binding)
            commands.append((binding.description, f"key: {key}", run))
        if isinstance(screen, StoriesScreen):
            for story in screen.stories:
                commands.append(
                    (f"Open story: {story.title}", story.id, partial(screen.open_story, story.id))
                )
        if isinstance(screen, TimelineScreen) and screen.story is not None:
            for party in screen.story.parties:
                commands.append(
                    (
                        f"Open party: {party.name}",
                        f"{party.kind.value} stance history",
                        partial(screen.open_party, party.id),
                    )
                )
        return commands

    async def discover(self) -> Hits:
        """Everything, for the empty palette."""
        for text, help_text, command in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        """Fuzzy matches of the query."""
        matcher = self.matcher(query)
        for text, help_text, command in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, text=text, help=help_text)
