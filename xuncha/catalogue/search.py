"""Full-text search over the catalogue: FTS5 on jieba words, ranked by bm25.

A user's query is parsed here, not handed to FTS5 raw: words are segmented with the same
`cut` as the documents and every word is quoted, so only AND / OR / NOT, parentheses and
"quoted phrases" act as syntax. Malformed syntax becomes one `QuerySyntaxError` line.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from xuncha.catalogue.schema import FINDING_ID_BITS, FTS_KINDS, MAX_FINDINGS
from xuncha.catalogue.store import index_unindexed, unindexed_documents
from xuncha.catalogue.tokens import query_words
from xuncha.errors import XunchaError

OPERATORS = ("AND", "OR", "NOT")
MARK_OPEN, MARK_CLOSE = "«", "»"  # around matched words in snippets


class QuerySyntaxError(XunchaError):
    """A query that can't be parsed (unbalanced quotes or brackets, a dangling operator...)."""


class SearchUsageError(XunchaError):
    """A bad filter value (unknown domain, date not YYYY[-MM[-DD]], unknown kind)."""


# ---- query parsing -------------------------------------------------------------------------

_LEX = re.compile(r'\s*(?:(")|(\()|(\))|([^\s"()]+))')


def _lex(query: str) -> list[tuple[str, str]]:
    """Split a query into (type, value): 'phrase', 'word', 'op', '(' and ')'."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(query):
        m = _LEX.match(query, i)
        if m is None:  # only trailing whitespace is left
            break
        if m.group(1):
            end = query.find('"', m.end())
            if end < 0:
                raise QuerySyntaxError('unbalanced quote in query: a "phrase" needs a closing "')
            out.append(("phrase", query[m.end() : end]))
            i = end + 1
            continue
        if m.group(2):
            out.append(("(", "("))
        elif m.group(3):
            out.append((")", ")"))
        elif m.group(4):
            word = m.group(4)
            out.append(("op", word) if word in OPERATORS else ("word", word))
        i = m.end()
    return out


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


@dataclass
class ParsedQuery:
    fts: str  # the FTS5 MATCH expression
    words: list[str]  # words to highlight (those not excluded by NOT)


def parse_query(query: str) -> ParsedQuery:
    """Turn a user's query into a safe FTS5 expression, or raise QuerySyntaxError."""
    items: list[tuple[str, str]] = []
    for kind, value in _lex(query):
        if kind in ("word", "phrase"):
            words = query_words(value)
            if not words:
                continue  # punctuation only: nothing to search for
            if kind == "phrase" or len(words) == 1:
                items.append(("term", _quote(" ".join(words))))
            else:
                items.append(("term", "(" + " AND ".join(_quote(w) for w in words) + ")"))
            items[-1] = (*items[-1], words)  # type: ignore[assignment]
        else:
            items.append((kind, value))
    if not any(i[0] == "term" for i in items):
        raise QuerySyntaxError("query has no words to search for")

    depth = 0
    prev = None  # type of the previous item: None, 'term', 'op', '(' or ')'
    highlight: list[str] = []
    parts: list[str] = []
    for i, item in enumerate(items):
        kind, value = item[0], item[1]
        if kind == "op":
            if prev not in ("term", ")"):
                raise QuerySyntaxError(f"{value} needs a word before it (e.g. 巡察 {value} 约谈)")
        elif kind in ("term", "("):
            if prev in ("term", ")"):
                parts.append("AND")  # words side by side must all occur
            if kind == "(":
                depth += 1
            elif not (i > 0 and items[i - 1][:2] == ("op", "NOT")):
                highlight.extend(item[2])
        elif kind == ")":
            if depth == 0:
                raise QuerySyntaxError("unbalanced brackets in query: ')' without '('")
            if prev == "(":
                raise QuerySyntaxError("empty brackets in query")
            if prev == "op":
                raise QuerySyntaxError(f"{parts[-1]} needs a word after it")
            depth -= 1
        parts.append(value)
        prev = kind
    if prev == "op":
        raise QuerySyntaxError(f"{parts[-1]} needs a word after it (e.g. 巡察 {parts[-1]} 约谈)")
    if depth:
        raise QuerySyntaxError("unbalanced brackets in query: '(' without ')'")
    return ParsedQuery(" ".join(parts), list(dict.fromkeys(highlight)))


# ---- snippets ------------------------------------------------------------------------------

def snippet(text: str, words: list[str], width: int = 40) -> str:
    """A window of `text` around the first matched word, matched words marked «like this»."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    lower = text.lower()
    found = [(lower.find(w), w) for w in words if w and lower.find(w) >= 0]
    if not found:
        return text[: width * 2] + ("…" if len(text) > width * 2 else "")
    first = min(f[0] for f in found)
    start = max(0, first - width // 2)
    end = min(len(text), start + width * 2)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w), re.IGNORECASE)
    body = pattern.sub(lambda m: MARK_OPEN + m.group(0) + MARK_CLOSE, text[start:end])
    return ("…" if start else "") + body + ("…" if end < len(text) else "")


# ---- filters -------------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _resolve(value: str, table: dict[str, str], what: str) -> str:
    """Accept an id (party_gov, B2) or its Chinese name (党政机关, 中央八项规定精神)."""
    for key, name in table.items():
        if value.lower() == key.lower() or value == name:
            return key
    raise SearchUsageError(f"unknown {what} {value!r}; choose one of: " + ", ".join(f"{k} ({n})" for k, n in table.items()))


def resolve_domain(value: str) -> str:
    from xuncha.classify.taxonomy import load_taxonomy

    return _resolve(value, load_taxonomy().domains, "domain")


def resolve_category(value: str) -> str:
    from xuncha.classify.taxonomy import load_taxonomy

    return _resolve(value, {k: c.name for k, c in load_taxonomy().categories.items()}, "category")


def check_date(value: str, option: str) -> str:
    if not _DATE.match(value):
        raise SearchUsageError(f"{option} {value!r}: give a date as YYYY, YYYY-MM or YYYY-MM-DD")
    return value


# ---- search --------------------------------------------------------------------------------

# Most matches ranked by bm25 for one query; beyond this, the most recently stored this many are
# ranked. Hits carry "matches" (all matches of the words, before filters) and "ranked".
RANK_WINDOW = 20_000

_SELECT = {
    "documents": ("d.text AS text", "d.id"),
    "problems": ("x.text AS text, x.category, x.category_name, x.aspect, x.domain, x.confidence", "x.id"),
    "measures": ("x.name, x.kind, x.sentence AS text", "x.id"),
    "counts": ("x.value, x.unit, x.subject, x.surface, trim(coalesce(x.subject, '') || ' ' || x.surface) AS text",
               "x.id"),
    "bodies": ("x.name AS text, x.kind, x.resolved", "x.id"),
}


def _index_unindexed(conn: sqlite3.Connection) -> None:
    """Index the documents an interrupted ingest stored but had not indexed yet, so that a search
    sees every stored document. While an ingest runs, its documents wait for its own next index
    flush (at most FLUSH_DOCS of them; it holds their index rows). A catalogue that can't be
    written to is searched as it is."""
    from xuncha.catalogue.ingest import ingest_running

    try:
        if unindexed_documents(conn) and not ingest_running(conn):
            index_unindexed(conn)
    except sqlite3.OperationalError:  # read-only file or connection, or locked past the timeout
        pass


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    kind: str = "documents",
    domain: str | None = None,
    category: str | None = None,
    region: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
) -> list[dict]:
    """Hits for `query` best first (bm25), each a dict with a snippet and the row's fields."""
    if kind not in FTS_KINDS:
        raise SearchUsageError(f"unknown kind {kind!r}; choose one of: {', '.join(FTS_KINDS)}")
    parsed = parse_query(query)
    _index_unindexed(conn)
    fields, rowid = _SELECT[kind]
    join = "" if kind == "documents" else f"JOIN {kind} x ON x.id = f.rowid "
    doc_on = "d.id = f.rowid" if kind == "documents" else "d.id = x.doc_id"
    where, args = ["fts_%s MATCH ?" % kind], [parsed.fts]
    own = kind == "problems"  # problems filter on themselves, other kinds on their document's problems
    for col, value in (("domain", domain and resolve_domain(domain)), ("category", category and resolve_category(category))):
        if value:
            if own:
                where.append(f"x.{col} = ?")
            else:
                # (the document's problems are an id range: schema.finding_ids)
                where.append(f"EXISTS (SELECT 1 FROM problems p WHERE p.id BETWEEN (d.id << {FINDING_ID_BITS}) + 1 "
                             f"AND (d.id << {FINDING_ID_BITS}) + {MAX_FINDINGS} AND p.{col} = ?)")
            args.append(value)
    if region:
        where.append("(d.region LIKE ? OR d.source LIKE ?)")
        args += [f"%{region}%", f"%{region}%"]
    if since:
        since = check_date(since, "--since")
        where.append("substr(d.date, 1, ?) >= ?")
        args += [len(since), since]
    if until:
        until = check_date(until, "--until")
        where.append("substr(d.date, 1, ?) <= ?")
        args += [len(until), until]
    # Rank ids alone, then fetch the rows of the few hits: sorting every match with its text
    # attached cost more than bm25 itself on a large catalogue.
    rows_of = "JOIN documents d ON d.id = top.id" if kind == "documents" else \
        f"JOIN {kind} x ON x.id = top.id JOIN documents d ON d.id = x.doc_id"

    # the ranking joins only the tables its filters name (each join costs a look-up per match)
    needs_d = any("d." in w for w in where)
    needs_x = kind != "documents" and (needs_d or any("x." in w for w in where))

    def run(bound: int | None, hint: str = "INDEXED BY documents_meta") -> list:
        joins = (join if needs_x else "") + (f"JOIN documents d {hint} ON {doc_on}" if needs_d else "")
        conds = where + ([f"f.rowid >= {int(bound)}"] if bound is not None else [])
        ranked = (f"SELECT f.rowid AS id, bm25(fts_{kind}) AS score FROM fts_{kind} f {joins} "
                  f"WHERE {' AND '.join(conds)} ORDER BY score, f.rowid LIMIT ?")
        sql = (f"SELECT top.id AS id, top.score AS score, d.path, d.title, d.date, d.source, d.region, {fields} "
               f"FROM ({ranked}) AS top {rows_of} ORDER BY top.score, top.id")
        try:
            return conn.execute(sql, (*args, max(1, int(limit)))).fetchall()
        except sqlite3.OperationalError as err:
            if hint and "no such index" in str(err):  # dropped by hand: slower, still right
                return run(bound, hint="")
            raise

    try:
        matches = conn.execute(f"SELECT count(*) FROM fts_{kind} WHERE fts_{kind} MATCH ?", (parsed.fts,)).fetchone()[0]
        bound = None
        if matches > RANK_WINDOW:
            # bm25 costs time in proportion to the matches: a term found in most of a large
            # catalogue is ranked among its RANK_WINDOW most recently stored matches (hits say so)
            bound = conn.execute(f"SELECT rowid FROM fts_{kind} WHERE fts_{kind} MATCH ? ORDER BY rowid DESC "
                                 "LIMIT 1 OFFSET ?", (parsed.fts, RANK_WINDOW - 1)).fetchone()[0]
        rows = run(bound)
        if bound is not None and len(rows) < limit:  # the filters left too few in the window: rank all
            rows, bound = run(None), None
    except sqlite3.OperationalError as err:
        if "fts5" in str(err) or "syntax" in str(err) or "MATCH" in str(err):
            raise QuerySyntaxError(f"cannot parse query {query!r}: {err}") from None
        raise
    hits = []
    for r in rows:
        hit = {"kind": kind, **{k: r[k] for k in r.keys() if k not in ("id", "score", "text")}}
        hit["score"] = round(-r["score"], 4)
        hit["matches"] = matches
        hit["ranked"] = RANK_WINDOW if bound is not None else matches
        hit["text"] = r["text"] if kind != "documents" else None
        hit["snippet"] = snippet(r["text"], parsed.words)
        if kind == "documents":
            del hit["text"]
            hit["reposts"] = [x[0] for x in conn.execute(
                "SELECT path FROM documents WHERE duplicate_of = ? ORDER BY path", (r["path"],))]
        hits.append(hit)
    return hits
