"""Layout of the PRISMA 2020 flow diagram (new review, databases and registers plus other methods).

Boxes and arrows in SVG coordinates; templates/screening/prisma.svg draws them. Box heights follow their
text, so long reason lists and many databases never overflow.
"""

import textwrap
from dataclasses import dataclass

LINE = 16
PAD = 10
CHAR_WIDTH = 6.4  # average width of a 12px sans-serif character
GAP = 36
TOP = 60
PHASE_X, PHASE_W = 10, 28
COLUMNS = {"dbr": (60, 260), "dbr_side": (360, 270), "other": (680, 230), "other_side": (950, 200)}
WIDTH = 1170


@dataclass
class Box:
    x: float
    y: float
    w: float
    lines: list[str]
    heading: bool = False

    @property
    def h(self) -> float:
        return len(self.lines) * LINE + 2 * PAD

    @property
    def text_x(self) -> float:
        return self.x + (self.w / 2 if self.heading else PAD)

    def text_lines(self):
        return [(self.y + PAD + (i + 1) * LINE - 4, line) for i, line in enumerate(self.lines)]


def _wrap(lines, width):
    chars = int((width - 2 * PAD) / CHAR_WIDTH)
    return [part for line in lines for part in (textwrap.wrap(line, chars, subsequent_indent="   ") or [""])]


def _count(n) -> str:
    return f"(n\u00a0=\u00a0{n:,})"  # no-break spaces: wrapping never splits a count


def _reasons(counts: dict[str, int]) -> list[str]:
    return [f"{label} {_count(n)}" for label, n in counts.items()] or ["(none)"]


def layout(flow) -> dict:
    """Boxes, arrows and phase bands of the diagram for a Flow."""
    col = COLUMNS

    def box(column, lines, **kwargs):
        x, w = col[column]
        return Box(x, 0, w, _wrap(lines, w), **kwargs)

    rows = [
        [
            box(
                "dbr",
                ["Records identified from:", f"Databases {_count(flow.database_results)}"]
                + [f"   {name} {_count(n)}" for name, n in flow.database_specific_results.items()]
                + [f"Registers {_count(flow.register_results)}"]
                + [f"   {name} {_count(n)}" for name, n in flow.register_specific_results.items()],
            ),
            box(
                "dbr_side",
                [
                    "Records removed before screening:",
                    f"Duplicate records {_count(flow.duplicates)}",
                    "Records marked as ineligible by automation tools " + _count(flow.excluded_automatic),
                    f"Records removed for other reasons {_count(flow.excluded_other)}",
                ],
            ),
            box(
                "other",
                [
                    "Records identified from:",
                    f"Websites {_count(flow.website_results)}",
                    f"Organisations {_count(flow.organisation_results)}",
                    f"Citation searching {_count(flow.citations_results)}",
                ]
                + (
                    [f"Duplicates of records already found {_count(flow.other_duplicates)}"]
                    if flow.other_duplicates
                    else []
                ),
            ),
        ],
        [
            box("dbr", ["Records screened", _count(flow.records_screened)]),
            box("dbr_side", ["Records excluded", _count(flow.records_excluded)]),
        ],
        [
            box("dbr", ["Reports sought for retrieval", _count(flow.dbr_sought_reports)]),
            box("dbr_side", ["Reports not retrieved", _count(flow.dbr_notretrieved_reports)]),
            box("other", ["Reports sought for retrieval", _count(flow.other_sought_reports)]),
            box("other_side", ["Reports not retrieved", _count(flow.other_notretrieved_reports)]),
        ],
        [
            box("dbr", ["Reports assessed for eligibility", _count(flow.dbr_assessed)]),
            box("dbr_side", ["Reports excluded:", *_reasons(flow.dbr_excluded)]),
            box("other", ["Reports assessed for eligibility", _count(flow.other_assessed)]),
            box("other_side", ["Reports excluded:", *_reasons(flow.other_excluded)]),
        ],
        [
            box(
                "dbr",
                [
                    f"Studies included in review {_count(flow.total_studies)}",
                    f"Reports of included studies {_count(flow.total_reports)}",
                ],
            ),
        ],
    ]
    y = TOP
    row_tops = []
    for row in rows:
        row_tops.append(y)
        height = max(b.h for b in row)
        for b in row:
            b.y = y + (height - b.h) / 2
        y += height + GAP
    height = y - GAP + 20

    def below(upper, lower):
        return (upper.x + upper.w / 2, upper.y + upper.h, lower.x + lower.w / 2, lower.y)

    def beside(left, right):
        return (left.x + left.w, left.y + left.h / 2, right.x, right.y + right.h / 2)

    identified, removed, other_identified = rows[0]
    screened, excluded = rows[1]
    sought, not_retrieved, other_sought, other_not_retrieved = rows[2]
    assessed, reports_excluded, other_assessed, other_excluded = rows[3]
    (included,) = rows[4]
    arrows = [
        below(identified, screened),
        beside(identified, removed),
        beside(screened, excluded),
        below(screened, sought),
        beside(sought, not_retrieved),
        below(sought, assessed),
        beside(assessed, reports_excluded),
        below(assessed, included),
        below(other_identified, other_sought),
        beside(other_sought, other_not_retrieved),
        below(other_sought, other_assessed),
        beside(other_assessed, other_excluded),
    ]
    corner = (other_assessed.x + other_assessed.w / 2, included.y + included.h / 2)
    elbows = [
        (
            other_assessed.x + other_assessed.w / 2,
            other_assessed.y + other_assessed.h,
            *corner,
            included.x + included.w,
            corner[1],
        )
    ]
    headings = [
        Box(
            col["dbr"][0],
            10,
            col["dbr_side"][0] + col["dbr_side"][1] - col["dbr"][0],
            ["Identification of new studies via databases and registers"],
            heading=True,
        ),
        Box(
            col["other"][0],
            10,
            col["other_side"][0] + col["other_side"][1] - col["other"][0],
            ["Identification of new studies via other methods"],
            heading=True,
        ),
    ]
    phases = [
        ("Identification", row_tops[0], row_tops[1] - GAP / 2),
        ("Screening", row_tops[1] - GAP / 2 + 4, row_tops[4] - GAP / 2),
        ("Included", row_tops[4] - GAP / 2 + 4, height - 10),
    ]
    return {
        "width": WIDTH,
        "height": height,
        "boxes": [b for row in rows for b in row],
        "headings": headings,
        "arrows": arrows,
        "elbows": elbows,
        "phases": [
            {
                "label": label,
                "x": PHASE_X,
                "y": top,
                "w": PHASE_W,
                "h": bottom - top,
                "cx": PHASE_X + PHASE_W / 2,
                "cy": (top + bottom) / 2,
            }
            for label, top, bottom in phases
        ],
    }
