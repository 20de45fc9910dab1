"""Widgets of the Briefs terminal client."""
