"""Finding records that report the same study: pure functions, no database.

Records are compared only within blocks (same DOI, same PMID, same start or end
of the normalised title, same first author and year, same volume and page), and
oversized blocks are cut to a sorted-neighbourhood window, so the work grows as
n log n rather than n².  Each candidate pair is scored on title similarity and
on the agreement of identifiers, authors, year, volume and pages; "certain"
pairs are merged automatically, "possible" pairs go to a person.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from reviews.importers.normalise import fold

MAX_BLOCK = 64
WINDOW = 8
LABEL = re.compile(r"[\[(](?:[^\])\s]+\s?){1,3}[\])]")  # "[Japanese]", "[1]", "(abstract)", "(multiple letters)"
NOTE = re.compile(r"\[(?:erratum|comment|retraction|corrected|update|see )[^\]]*\]?", re.I)  # MEDLINE annotations
SQUARE_BRACKETED = re.compile(r"\[[^\]]*\]")  # MEDLINE's notes: "[Erratum appears in …]", "[33 refs]"
ANY_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)")
NOTICE = re.compile(r"\b(?:erratum|errata|corrigendum|correction|retraction|retracted)\b", re.I)
NUMBER = re.compile(r"\d+")
FIRST_PAGE = re.compile(r"[A-Za-z]?\d+")


@dataclass(frozen=True)
class Citation:
    id: int
    title: str = ""
    authors: tuple = ()
    year: int | None = None
    journal: str = ""
    volume: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""


@dataclass(frozen=True)
class Match:
    first: int
    second: int
    score: float
    reasons: str
    certain: bool


@dataclass
class _Keys:
    citation: Citation
    title: str
    numbers: tuple
    notice: bool
    author: str
    author_names: frozenset
    page: str
    volume: str
    journal: str
    words: list = field(default_factory=list)


def title_key(title):
    return fold(LABEL.sub(" ", NOTE.sub(" ", title or "")))


def author_key(name):
    if not name:
        return ""
    if "," in name:
        return fold(name.split(",", 1)[0]).replace(" ", "")
    tokens = fold(name).split()
    return max(tokens, key=len) if tokens else ""


def _leading_number(value):
    match = NUMBER.search(value or "")
    return match.group(0).lstrip("0") if match else ""


def _keys(citation):
    title = title_key(citation.title)
    page = FIRST_PAGE.search(citation.pages or "")
    return _Keys(
        citation=citation,
        title=title,
        numbers=tuple(NUMBER.findall(fold(SQUARE_BRACKETED.sub(" ", citation.title or "")))),
        notice=bool(NOTICE.search(ANY_BRACKETED.sub(" ", citation.title or ""))),
        author=author_key(citation.authors[0]) if citation.authors else "",
        author_names=frozenset(t for t in fold(citation.authors[0]).split() if len(t) >= 3)
        if citation.authors
        else frozenset(),
        page=page.group(0).lower().lstrip("0") if page else "",
        volume=_leading_number(citation.volume),
        journal=fold(citation.journal),
        words=title.split(),
    )


def _blocking_keys(k):
    c = k.citation
    if c.doi:
        yield "doi", c.doi
    if c.pmid:
        yield "pmid", c.pmid
    if len(k.words) >= 3:
        yield "start", " ".join(k.words[:4])
        yield "end", " ".join(k.words[-4:])
    elif k.title:
        yield "title", k.title
    if k.author and c.year:
        yield "author-year", (k.author, c.year)
    if k.page and k.volume:
        yield "volume-page", (k.volume, k.page)


def candidate_pairs(keys, new_ids=None):
    """Pairs of indexes sharing a block; with new_ids, only pairs that involve a new record."""
    blocks = defaultdict(list)
    for index, k in enumerate(keys):
        for block in _blocking_keys(k):
            blocks[block].append(index)
    pairs = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) > MAX_BLOCK:
            members = sorted(members, key=lambda i: keys[i].title)
            spans = (
                (members[i], members[j])
                for i in range(len(members))
                for j in range(i + 1, min(i + WINDOW, len(members)))
            )
        else:
            spans = ((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
        for a, b in spans:
            if new_ids is None or keys[a].citation.id in new_ids or keys[b].citation.id in new_ids:
                pairs.add((a, b) if a < b else (b, a))
    return pairs


def compare(a, b):
    """(certain, score, reasons) for two records, or None when they are clearly different."""
    ca, cb = a.citation, b.citation
    title = fuzz.ratio(a.title, b.title) / 100 if a.title and b.title else 0.0
    same_doi = bool(ca.doi) and ca.doi == cb.doi
    same_pmid = bool(ca.pmid) and ca.pmid == cb.pmid
    other_doi = bool(ca.doi and cb.doi) and ca.doi != cb.doi
    other_pmid = bool(ca.pmid and cb.pmid) and ca.pmid != cb.pmid
    year_gap = abs(ca.year - cb.year) if ca.year and cb.year else None
    same_author = bool(a.author) and (
        a.author == b.author or fuzz.ratio(a.author, b.author) >= 90 or bool(a.author_names & b.author_names)
    )
    same_page = bool(a.page) and a.page == b.page
    same_volume = bool(a.volume) and a.volume == b.volume
    numbers_differ = a.numbers != b.numbers
    pages_differ = bool(a.page and b.page) and not same_page
    volumes_differ = bool(a.volume and b.volume) and not same_volume
    reasons = []
    if same_doi:
        reasons.append("same DOI")
    if same_pmid:
        reasons.append("same PMID")
    reasons.append(f"title {title:.0%} alike")
    for flag, label in (
        (same_author, "first author"),
        (year_gap == 0, "year"),
        (same_page, "pages"),
        (same_volume, "volume"),
    ):
        if flag:
            reasons.append(f"same {label}")
    if pages_differ or volumes_differ:
        reasons.append(
            "different " + " and ".join(x for x, f in (("pages", pages_differ), ("volume", volumes_differ)) if f)
        )
    corroboration = sum((same_author, year_gap == 0, same_page, same_volume))
    score = title + 0.1 * corroboration + 0.5 * (same_doi or same_pmid)
    text = ", ".join(reasons)
    if a.notice != b.notice:
        return (False, score, text + ", one is a correction notice") if title >= 0.8 else None

    if same_doi or same_pmid:
        compatible = title >= 0.8 or not (a.title and b.title)
        return (compatible and not numbers_differ and not other_pmid, score, text)
    if other_pmid or other_doi:
        return (False, score, text) if title >= 0.95 and corroboration >= 2 else None
    same_citation = same_author and year_gap == 0 and same_page and same_volume
    if same_citation and (title >= 0.75 or fuzz.partial_ratio(a.title, b.title) >= 95):
        return (not numbers_differ, score, text)
    if title >= 0.95 and not numbers_differ:
        if year_gap is not None and year_gap > 1:
            return (False, score, text) if corroboration >= 2 else None
        other_author = bool(a.author and b.author) and not same_author
        journals_differ = fuzz.token_set_ratio(a.journal, b.journal) < 60
        if volumes_differ or (pages_differ and (journals_differ or other_author)):
            return (False, score, text)
        if title < 0.99 and not (a.page or a.volume or b.page or b.volume):
            return (False, score, text)
        if corroboration >= 2 or (year_gap == 0 and (same_author or same_page or not a.author or not b.author)):
            return (True, score, text)
        return (False, score, text)
    if title >= 0.85 and corroboration >= 1:
        certain = same_author and year_gap == 0 and (same_page or same_volume) and not (numbers_differ or pages_differ)
        return (certain, score, text)
    if same_citation:
        return (False, score, text)
    return None


def find_duplicates(citations, new_ids=None):
    """Every likely or possible duplicate pair; with new_ids, only pairs that involve those records."""
    keys = [_keys(c) for c in citations]
    matches = []
    for a, b in candidate_pairs(keys, new_ids):
        verdict = compare(keys[a], keys[b])
        if verdict:
            certain, score, reasons = verdict
            first, second = sorted((keys[a].citation.id, keys[b].citation.id))
            matches.append(Match(first, second, round(score, 4), reasons, certain))
    matches.sort(key=lambda m: (m.first, m.second))
    return matches


def groups(ids, links, apart=None, anchored=frozenset()):
    """Connected groups (sorted lists, smallest id first) of ids joined by (first, second) links.

    ``apart`` maps an id to ids a person has judged different: a link that would put
    such a pair in one group is skipped. A group holds at most one ``anchored`` id: a
    link that would join two is skipped too.
    """
    apart = apart or {}
    parent = {i: i for i in ids}
    members = {i: {i} for i in ids}
    holds_anchor = {i: i in anchored for i in ids}

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for first, second in links:
        ra, rb = root(first), root(second)
        if ra == rb:
            continue
        small, large = sorted((members[ra], members[rb]), key=len)
        if any(apart.get(member, set()) & large for member in small) or (holds_anchor[ra] and holds_anchor[rb]):
            continue
        keep, absorbed = min(ra, rb), max(ra, rb)
        parent[absorbed] = keep
        members[keep] = members[ra] | members[rb]
        holds_anchor[keep] = holds_anchor[ra] or holds_anchor[rb]
        del members[absorbed]
    return [sorted(group) for group in members.values() if len(group) > 1]


def _best_text(values):
    """The longest value, preferring one that is not all upper case (databases that shout lose to those that don't)."""
    values = [v for v in values if v]
    if not values:
        return ""
    return max(values, key=lambda v: (not v.isupper(), len(v)))


def merged_fields(originals):
    """Best field values of a group of records, given their imported values; the first record is the primary."""
    primary = originals[0]
    years = [o.get("year") for o in originals if o.get("year")]
    keywords = list(dict.fromkeys(k for o in originals for k in o.get("keywords") or []))
    return {
        "title": _best_text(o.get("title", "") for o in originals),
        "abstract": max((o.get("abstract") or "" for o in originals), key=len),
        "authors": max((o.get("authors") or [] for o in originals), key=len),
        "year": primary.get("year") or (max(set(years), key=years.count) if years else None),
        "journal": _best_text(o.get("journal", "") for o in originals),
        "volume": next((o["volume"] for o in originals if o.get("volume")), ""),
        "issue": next((o["issue"] for o in originals if o.get("issue")), ""),
        "pages": max((o.get("pages") or "" for o in originals), key=len),
        "doi": next((o["doi"] for o in originals if o.get("doi")), ""),
        "pmid": next((o["pmid"] for o in originals if o.get("pmid")), ""),
        "keywords": keywords,
        "url": next((o["url"] for o in originals if o.get("url")), ""),
    }
