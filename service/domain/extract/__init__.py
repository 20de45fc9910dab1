"""Drafting aids: pure extraction of quotes, reported speech, dates, parties and issue hints
from an article's text (no network, no model downloads)."""
