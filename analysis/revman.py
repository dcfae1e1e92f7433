"""RevMan Web's study results from the locked extraction: a row per study arm, outcome and time point.

RevMan Web imports study data as CSV files made from its data extraction templates, the study results one with
"one row per arm for each study" (docs/exports.md says what we followed and where). Ours are before/after
summaries per arm, so each outcome gives a row per arm and time point, with the arm's intervention.
"""

from extraction.services import is_locked

from .engine.dataset import SUMMARY_COLUMNS, TIME_POINTS
from .outcomes import FORM_TIME_POINTS, locked_data, mappings
from .services import AnalysisError

SUMMARY_HEADINGS = {"mean": "Mean", "sd": "SD", "median": "Median", "q1": "Q1", "q3": "Q3", "min": "Min", "max": "Max"}
COLUMNS = ["Study", "Outcome", "Time point", "Arm", "Intervention", "Total", *SUMMARY_HEADINGS.values()]


def study_results(review) -> list[list]:
    if not is_locked(review):
        raise AnalysisError("the extraction is not locked: RevMan's study data are made from locked data only")
    data, _ = locked_data(review)
    rows = [COLUMNS]
    for mapping in mappings(review):
        for arm in data.to_dict("records"):
            for point in TIME_POINTS:
                summaries = [arm.get(mapping.columns.get(f"{name}_{point}", ""), "") for name in SUMMARY_COLUMNS]
                if not any(summaries):
                    continue
                rows.append(
                    [
                        arm["study"],
                        mapping.label,
                        f"{FORM_TIME_POINTS[point]} treatment",
                        arm["arm"],
                        arm.get(mapping.group_field, ""),
                        arm.get(mapping.columns.get("n", ""), ""),
                        *summaries,
                    ]
                )
    return rows
