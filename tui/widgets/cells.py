"""Theme-coloured `DataTable` cells, table columns that fit the screen, a footer that fits.

A `DataTable` renders its cells with Rich, which knows nothing of Textual's theme variables, so a
`Content` styled ``$text-success`` would lose its colour there. `themed_cell` resolves the
variables against the running app's theme instead; colours still come only from the theme.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from rich.text import Text
from textual.binding import ActiveBinding, Binding
from textual.content import Content

_VARIABLE = re.compile(r"\$([a-z0-9-]+)")


def themed_cell(content: Content, variables: Mapping[str, str]) -> Text:
    """``content`` as Rich text, with ``$variables`` replaced by the theme's colours."""
    text = Text(content.plain)
    for span in content.spans:
        if isinstance(span.style, str) and span.style:
            text.stylize(_resolve(span.style, variables), span.start, span.end)
    return text


def _resolve(style: str, variables: Mapping[str, str]) -> str:
    def colour(match: re.Match[str]) -> str:
        value = variables.get(match.group(1), "")
        # Derived values such as ``auto 60%`` have no Rich equivalent: dim is the closest.
        return value if value.startswith("#") else "dim"

    return _VARIABLE.sub(colour, style)


def fit_widths(total: int, fixed: Sequence[int], weights: Sequence[int]) -> list[int]:
    """Widths for a `DataTable`'s columns so the table fits ``total`` cells: ``fixed`` columns
    keep their width, the rest share what is left by ``weights``. Each column also takes two
    cells of padding, which is why long text wraps inside its column instead of running off
    screen (and why a wrapped line keeps the column's indent)."""
    padding = 2 * (len(fixed) + len(weights))
    left = max(total - sum(fixed) - padding, 8 * len(weights))
    shares = [left * weight // sum(weights) for weight in weights]
    shares[-1] += left - sum(shares)
    return [*fixed, *shares]


PALETTE_CELLS = 12
"""What the footer's ``^p palette`` key takes at its right edge (compact, with its gutter)."""


def fit_footer(
    bindings: Mapping[str, ActiveBinding],
    width: int,
    key_display: Callable[[Binding], str],
    *,
    compact: bool = True,
) -> dict[str, ActiveBinding]:
    """``bindings`` with ``show`` turned off for every key that would not fit a footer
    ``width`` cells wide, so the footer never cuts a key mid-word. Binding order is priority:
    earlier keys win the space, and a later, shorter one still takes what is left. A footer
    that is not compact pads each key by one more cell (and the palette key too)."""
    padding = 0 if compact else 1
    left = width - PALETTE_CELLS - padding
    actions: set[str] = set()
    fitted: dict[str, ActiveBinding] = {}
    for key, shown in bindings.items():
        binding, active = shown.binding, shown
        if binding.show and binding.action not in actions:
            # Compact footer key: "key description", then one cell of gutter.
            cells = len(key_display(binding)) + 1 + len(binding.description) + 1 + padding
            if cells <= left:
                left -= cells
                actions.add(binding.action)
            else:
                active = active._replace(binding=replace(binding, show=False))
        fitted[key] = active
    return fitted
