"""The labelled dev set for the extractor: article files kept outside the repository.

Each article is one JSON file (format in ``../shared/articles/README.md``): ``url``, ``outlet``,
``published``, ``text`` and hand labels in ``gold`` (direct ``quotes``, ``indirect`` speech,
``dates`` with what they resolve to, ``parties``), plus free ``notes``. The directory comes from
``BRIEFS_DEVSET`` or defaults to ``../shared/articles`` next to the repository root. Article text is
third-party: it is read from there at run time and never copied into the project.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import msgspec

DEVSET_ENV = "BRIEFS_DEVSET"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEVSET = REPO_ROOT.parent / "shared" / "articles"


class DevsetError(Exception):
    """The dev set is missing or one of its files is not a valid labelled article."""


class GoldQuote(msgspec.Struct, kw_only=True, frozen=True):
    """One direct quote: the exact characters inside the quotation marks."""

    text: str
    speaker: str | None
    cue: str | None
    direct: bool = True


class GoldIndirect(msgspec.Struct, kw_only=True, frozen=True):
    """Reported speech, labelled by its gist (not scored span by span)."""

    speaker: str | None
    cue: str | None
    gist: str


class GoldDate(msgspec.Struct, kw_only=True, frozen=True):
    """A date mention as written and its value against the publication date (``None``: vague)."""

    mention: str
    resolves_to: str | None
    event: str | None = None


class Gold(msgspec.Struct, kw_only=True, frozen=True):
    """The hand labels of one article."""

    quotes: list[GoldQuote]
    indirect: list[GoldIndirect] = []
    dates: list[GoldDate] = []
    parties: list[str] = []


class Article(msgspec.Struct, kw_only=True, frozen=True):
    """One labelled article; ``name`` is its file name without ``.json``."""

    url: str
    outlet: str
    published: datetime.date
    text: str
    gold: Gold
    notes: str = ""
    name: str = ""


_ARTICLE_DECODER = msgspec.json.Decoder(Article)


def devset_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The dev set's directory: ``explicit``, else ``$BRIEFS_DEVSET``, else the default."""
    chosen = explicit or os.environ.get(DEVSET_ENV) or DEFAULT_DEVSET
    return Path(chosen)


def load_article(path: Path) -> Article:
    """One labelled article file, with a clear error naming the file when it is malformed."""
    try:
        article = _ARTICLE_DECODER.decode(path.read_bytes())
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as error:
        raise DevsetError(f"{path}: not a labelled article: {error}") from None
    return msgspec.structs.replace(article, name=path.stem)


def load_devset(directory: str | os.PathLike[str] | None = None) -> list[Article]:
    """Every ``*.json`` article of the dev set, in file-name order."""
    root = devset_dir(directory)
    if not root.is_dir():
        raise DevsetError(
            f"no dev set at {root}: set {DEVSET_ENV} to the directory of labelled article "
            f"files (default {DEFAULT_DEVSET})"
        )
    paths = sorted(root.glob("*.json"))
    if not paths:
        raise DevsetError(f"the dev set {root} holds no *.json article files")
    return [load_article(path) for path in paths]


def locate(text: str, needles: list[str]) -> list[int | None]:
    """Where each needle stands in ``text``, searching in label order: a needle is looked for
    after the previous one found (labels follow the text), then anywhere, then ignoring case.
    ``None`` when it is not in the text at all (a labelling error the bench reports)."""
    found: list[int | None] = []
    cursor = 0
    folded = text.casefold()
    for needle in needles:
        at = text.find(needle, cursor)
        if at < 0:
            at = text.find(needle)
        if at < 0:
            at = folded.find(needle.casefold())
        if at < 0:
            found.append(None)
            continue
        found.append(at)
        cursor = at + len(needle)
    return found


def label_problems(article: Article) -> list[str]:
    """Labels that cannot be right: quote texts or date mentions not found in the article."""
    problems: list[str] = []
    quotes = [quote.text for quote in article.gold.quotes]
    for text, at in zip(quotes, locate(article.text, quotes), strict=True):
        if at is None:
            problems.append(f"gold quote not in the text: {text!r}")
    mentions = [date.mention for date in article.gold.dates]
    for mention, at in zip(mentions, locate(article.text, mentions), strict=True):
        if at is None:
            problems.append(f"gold date mention not in the text: {mention!r}")
    return problems
