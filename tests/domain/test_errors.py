"""One-line summaries of errors for CLI messages and health details."""

from __future__ import annotations

from service.domain.errors import first_line


def test_first_line_keeps_the_first_line_of_the_message() -> None:
    assert first_line(OSError("connection refused\n\tIs the server running?")) == (
        "connection refused"
    )


def test_first_line_names_the_class_of_a_silent_error() -> None:
    assert first_line(TimeoutError()) == "TimeoutError"
