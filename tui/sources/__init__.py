"""Implementations of `tui.source.DataSource`."""
