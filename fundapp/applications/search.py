"""Full-text search of a fund's applications: the company's name and registration number, the pitch,
and the problem, solution, market and team, ranked by relevance.

Both databases index the same stems (fundapp.text: English and French Snowball stems of the words
without case or accents), so that a query finds the same applications on either: PostgreSQL as a
tsvector of the 'simple' configuration under a GIN index, SQLite in an FTS5 table. A query is read as
its words alone: every word must be found, as any of its stems; what else the user typed (quotes,
operators, brackets) is never syntax."""
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import Connection, bindparam, column, func, literal_column, select, table, text
from sqlalchemy.sql.selectable import CTE

from fundapp.extensions import db
from fundapp.text import WORD, registration_key, stemmed, stems, words

MAX_QUERY = 200          # characters of a query read
MAX_WORDS = 8            # words of a query read
BODY = ("problem", "solution", "market", "team")
SHOWN = ("pitch", *BODY)  # where matched words are shown from, in this order
WEIGHTS = {"title": 10.0, "pitch": 4.0, "body": 1.0}   # SQLite's bm25 per column, as PostgreSQL's A, B, C
_SQLITE = table("application_search", column("rowid"), column("title"), column("pitch"), column("body"))
_POSTGRES = table("application_search", column("application_id"), column("document"))


@dataclass(frozen=True)
class Query:
    """What a user typed, as searched: each word's stems, and the whole as a registration number would
    be compared (when it holds a digit)."""

    terms: tuple[tuple[str, ...], ...]
    number: str = ""

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(stem for term in self.terms for stem in term)


def parse(typed: str | None) -> Query | None:
    """The words of the user's query with their stems; None when it has no word."""
    typed = typed or ""
    if len(typed) > MAX_QUERY:          # cut before the word the limit falls in, never through it
        typed = typed[:MAX_QUERY].rsplit(None, 1)[0] if " " in typed[:MAX_QUERY] else typed[:MAX_QUERY]
    terms = tuple(dict.fromkeys(stems(word) for word in words(typed)))[:MAX_WORDS]
    number = registration_key(typed)
    return Query(terms, number if any(c.isdigit() for c in number) else "") if terms else None


def ignored(typed: str | None) -> list[str]:
    """The words of what the user typed that a search leaves out (those after the first MAX_WORDS)."""
    return list(dict.fromkeys(words((typed or "")[:MAX_QUERY])))[MAX_WORDS:]


def document(name: str, registration_number: str, pitch: str, fields: dict[str, str]) -> dict[str, str]:
    """The index's columns for one application: the company (A), the pitch (B) and the rest (C). The
    registration number is one word, its letters and digits run together: found however it is written,
    and its parts (a prefix every company shares) never make a search walk every application."""
    return {"title": f"{stemmed(name)} {registration_key(registration_number)}",
            "pitch": stemmed(pitch), "body": stemmed(" ".join(fields.get(f) or "" for f in BODY))}


def write(connection: Connection, ids: list[int], documents: dict[int, dict[str, str]]) -> None:
    """Replace the index's rows of these applications by their documents (none for those without)."""
    if connection.dialect.name == "postgresql":
        connection.execute(_POSTGRES.delete().where(_POSTGRES.c.application_id.in_(ids)))
        insert = ("INSERT INTO application_search (application_id, document) VALUES (:id, "
                  "setweight(to_tsvector('simple', :title), 'A') || "
                  "setweight(to_tsvector('simple', :pitch), 'B') || "
                  "setweight(to_tsvector('simple', :body), 'C'))")
    else:
        connection.execute(_SQLITE.delete().where(_SQLITE.c.rowid.in_(ids)))
        insert = ("INSERT INTO application_search (rowid, title, pitch, body) "
                  "VALUES (:id, :title, :pitch, :body)")
    if documents:
        connection.execute(text(insert), [{"id": key, **columns} for key, columns in documents.items()])


def optimize(connection: Connection) -> None:
    """After the index was written in bulk: SQLite's FTS5 merges its segments into one, so that a search
    reads each word's list once (PostgreSQL's GIN index needs nothing of the kind)."""
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO application_search (application_search) VALUES ('optimize')"))


def matches(query: Query) -> CTE:
    """The applications the query finds, as (id, rank): the lower the rank, the better the match. Found
    first and kept (a materialized common table expression), so that the database walks the matches
    and never the fund's applications one by one, whatever their number."""
    if db.session.get_bind().dialect.name == "postgresql":
        # each word as any of its stems; stems are letters and digits only, so nothing here is syntax
        words_ = "(" + " & ".join("(" + " | ".join(term) + ")" for term in query.terms) + ")"
        found = func.to_tsquery(literal_column("'simple'"), bindparam(
            "search_terms", f"{words_} | {query.number}" if query.number else words_))
        return (select(_POSTGRES.c.application_id.label("id"),
                       (-func.ts_rank(_POSTGRES.c.document, found)).label("rank"))
                .where(_POSTGRES.c.document.op("@@")(found)).cte("found").prefix_with("MATERIALIZED"))
    expression = "(" + " AND ".join("(" + " OR ".join(f'"{stem}"' for stem in term) + ")"
                                    for term in query.terms) + ")"
    if query.number:
        expression += f' OR "{query.number}"'
    weights = ", ".join(str(w) for w in WEIGHTS.values())
    rank = literal_column(f"bm25(application_search, {weights})")
    return (select(_SQLITE.c.rowid.label("id"), rank.label("rank"))
            .where(literal_column("application_search").op("MATCH")(bindparam("search_terms", expression)))
            .cte("found").prefix_with("MATERIALIZED"))


def texts(application) -> dict[str, str]:
    """The application's texts where matched words are shown from."""
    return {field: getattr(application, field) or "" for field in SHOWN}


def matched_words(query: Query, values: dict[str, str]) -> list[str]:
    """The words of the texts that the query found, as written, each once, in order."""
    texts = [_composed(value) for value in values.values()]
    return list(dict.fromkeys(value[start:stop] for value in texts
                              for start, stop in _spans(query.stems, value)))


def marked(query: Query, value: str) -> Markup:
    """A short text (a company's name) with the query's words marked."""
    value = _composed(value)
    return _marked(query.stems, value, 0, len(value))


def _composed(value: str) -> str:
    """The text with its accents composed ("e" and a combining accent as "é"), as it is marked."""
    return unicodedata.normalize("NFC", value or "")


def _spans(wanted: frozenset[str], value: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WORD.finditer(value)
            if any(stem in wanted for word in words(m.group()) for stem in stems(word))]


def _marked(wanted: frozenset[str], value: str, begin: int, end: int) -> Markup:
    parts, at = [], begin
    for start, stop in _spans(wanted, value[begin:end]):
        start, stop = start + begin, stop + begin
        parts += [escape(value[at:start]), Markup("<mark>%s</mark>") % value[start:stop]]
        at = stop
    parts.append(escape(value[at:end]))
    return Markup("").join(parts)


def where(query: Query, values: dict[str, str]) -> str | None:
    """The first text (pitch, problem, solution, market, team) the query's words are found in."""
    return next((field for field in SHOWN if _spans(query.stems, _composed(values.get(field)))), None)


def excerpt(query: Query, values: dict[str, str], width: int = 12) -> Markup:
    """Where the query's words are found in the application's texts: the first passage, its matched
    words marked, about `width` words either side; empty when only the company matched."""
    for field in SHOWN:
        value = _composed(values.get(field))
        spans = _spans(query.stems, value)
        if not spans:
            continue
        starts = [m.span() for m in WORD.finditer(value)]
        first = next(index for index, span in enumerate(starts) if span[0] == spans[0][0])
        begin = starts[first - width][0] if first > width else 0
        end = starts[first + 2 * width][1] if first + 2 * width < len(starts) - 1 else len(value)
        return Markup("%s%s%s") % ("… " if begin else "", _marked(query.stems, value, begin, end),
                                   " …" if end < len(value) else "")
    return Markup("")
