"""Documented size limits of the data model.

They bound memory and CPU per request and keep briefs readable. msgspec enforces them while
decoding (see ``service.domain.models``); ``briefs validate`` and the API report a breach with the
field path. Change them here only: the OpenAPI schema and the docs are derived from these values.
"""

from typing import Final

MAX_ID_LENGTH: Final = 80
"""Identifiers (story, brief, party, issue, event and source ids)."""
MAX_SHORT_TEXT: Final = 500
"""Headlines, titles, names, speakers, conditions, takeaways."""
MAX_QUOTE_TEXT: Final = 1_000
"""A single quote's text."""
MAX_LONG_TEXT: Final = 200_000
"""Summaries, statements, details, resolutions (about 30,000 words)."""
MAX_URL_LENGTH: Final = 2_000
MAX_REVISION: Final = 1_000_000
MAX_ALIASES: Final = 20
MAX_PARTIES: Final = 100
MAX_LIST_ITEMS: Final = 200
"""Conditions, quotes per position, takeaways, source ids per event."""
MAX_ISSUES: Final = 1_000
MAX_EVENTS: Final = 2_000
MAX_SOURCES: Final = 1_000
MAX_JSON_DEPTH: Final = 32
"""Nesting of arrays and objects in a request body; the models need 6. Checked before parsing
(msgspec's parser recurses: a body nested 1,000 deep would exhaust the stack)."""
MAX_CHANGE_NOTE: Final = 500
"""A revision's change note (the edit summary)."""
MAX_EDITOR_NAME: Final = 100
"""A revision's ``revised_by``: an API token's name (``TokenCreate.name`` allows as much)."""
