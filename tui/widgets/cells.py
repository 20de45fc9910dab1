"""Theme-coloured `DataTable` cells.

A `DataTable` renders its cells with Rich, which knows nothing of Textual's theme variables, so a
`Content` styled ``$text-success`` would lose its colour there. `themed_cell` resolves the
variables against the running app's theme instead; colours still come only from the theme.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rich.text import Text
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
