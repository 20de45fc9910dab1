"""Export a brief revision as readable Markdown (CommonMark), for editors and newsletters.

Pure: a `Brief` (and optionally its `Story`, for party names) in, text out. Sections appear only
when they have content; open issues come before closed ones.
"""

from __future__ import annotations

from service.domain.models import Brief, FuzzyDate, Issue, Position, Story

_SPECIAL = str.maketrans({char: f"\\{char}" for char in "\\`*_[]<>#|"})


def _escape(text: str) -> str:
    """Escape Markdown syntax in a single-line value."""
    return " ".join(text.split()).translate(_SPECIAL)


def _fuzzy(when: FuzzyDate) -> str:
    match when.precision.value:
        case "month":
            return when.date.strftime("%B %Y")
        case "approximate":
            return f"around {when.date.isoformat()}"
        case _:
            return when.date.isoformat()


def _position_lines(position: Position, names: dict[str, str]) -> list[str]:
    name = _escape(names.get(position.party_id, position.party_id))
    lines = [f"- **{name}** — {position.stance.value}"]
    if position.statement:
        lines.append(f"  {_escape(position.statement)}")
    lines.extend(f"  - condition: {_escape(condition)}" for condition in position.conditions)
    for quote in position.quotes:
        lines.append(
            f"  > “{_escape(quote.text)}” — {_escape(quote.speaker)} [{_escape(quote.source_id)}]"
        )
    return lines


def _issue_line(issue: Issue) -> str:
    line = f"- **{_escape(issue.title)}** (`{issue.id}`) — {issue.status.value}"
    line += f", opened {issue.opened_on.isoformat()}"
    if issue.closed_on:
        line += f", closed {issue.closed_on.isoformat()}"
    if issue.expected and not issue.is_closed:
        line += f", expected {_fuzzy(issue.expected)}"
    if issue.resolution:
        line += f": {_escape(issue.resolution)}"
    return line


def brief_markdown(brief: Brief, story: Story | None = None) -> str:
    """The Markdown document of one brief revision."""
    names = {party.id: party.name for party in story.parties} if story else {}
    out: list[str] = [f"# {_escape(brief.headline)}", ""]
    meta = f"*As of {brief.as_of.isoformat()} · revision {brief.revision} · {brief.status.value}"
    if brief.author:
        meta += f" · by {_escape(brief.author)}"
    if brief.revised_by:
        meta += f" · revised by {_escape(brief.revised_by)}"
    out += [meta + "*", ""]
    if brief.change_note:
        out += [f"> Change note: {_escape(brief.change_note)}", ""]
    if story is not None:
        out += [f"Story: {_escape(story.title)}", ""]
    if brief.summary:
        out += [paragraph.strip() for paragraph in brief.summary.split("\n\n") if paragraph.strip()]
        out.append("")
    if brief.takeaways:
        out += ["## Key takeaways", "", *(f"- {_escape(item)}" for item in brief.takeaways), ""]
    if brief.positions:
        out += ["## Positions", ""]
        for position in brief.positions:
            out += _position_lines(position, names)
        out.append("")
    out += _issue_sections(brief)
    out += _event_section(brief)
    out += _source_section(brief)
    return "\n".join(out).rstrip("\n") + "\n"


def _issue_sections(brief: Brief) -> list[str]:
    out: list[str] = []
    open_issues = [issue for issue in brief.issues if not issue.is_closed]
    closed_issues = [issue for issue in brief.issues if issue.is_closed]
    if open_issues:
        out += ["## Open issues", "", *(_issue_line(issue) for issue in open_issues), ""]
    if closed_issues:
        out += ["## Closed issues", "", *(_issue_line(issue) for issue in closed_issues), ""]
    return out


def _event_section(brief: Brief) -> list[str]:
    if not brief.events:
        return []
    out = ["## Events", ""]
    for event in sorted(brief.events, key=lambda event: event.when.date):
        line = f"- {_fuzzy(event.when)}: **{_escape(event.title)}**"
        if event.detail:
            line += f" — {_escape(event.detail)}"
        out.append(line)
    return [*out, ""]


def _source_section(brief: Brief) -> list[str]:
    if not brief.sources:
        return []
    out = ["## Sources", ""]
    for source in brief.sources:
        title = f" — {_escape(source.title)}" if source.title else ""
        label = f"{_escape(source.outlet)}{title}"
        link = f"[{label}](<{source.url}>)" if source.url else label
        out.append(f"- [{_escape(source.id)}] {link} (reliability {source.reliability.value})")
    return [*out, ""]
