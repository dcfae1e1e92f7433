"""The ready extraction form for the NMOSD question (tocilizumab vs azathioprine): sections and fields."""

TREATMENTS = ["azathioprine", "tocilizumab", "other"]


def _summary(prefix: str, label: str, unit: str, maximum: float, tolerance: float) -> list[dict]:
    """Mean and SD, or median with IQR and/or range, of an outcome before and after treatment."""
    fields = []
    for when in ("before", "after"):
        name, title = f"{prefix}_{when}", f"{label} {when} treatment"
        bounded = {
            "field_type": "number",
            "unit": unit,
            "per_arm": True,
            "min_value": 0,
            "max_value": maximum,
            "tolerance": tolerance,
        }
        fields += [
            {"key": f"{name}_mean", "label": f"{title}: mean", **bounded},
            {"key": f"{name}_sd", "label": f"{title}: SD", **bounded, "positive": True, "min_value": None},
            {
                "key": f"{name}_median",
                "label": f"{title}: median",
                **bounded,
                "help_text": "Only when no mean is reported; converted to a mean and SD for the analysis.",
            },
            {"key": f"{name}_q1", "label": f"{title}: first quartile", **bounded},
            {"key": f"{name}_q3", "label": f"{title}: third quartile", **bounded},
            {"key": f"{name}_min", "label": f"{title}: minimum", **bounded},
            {"key": f"{name}_max", "label": f"{title}: maximum", **bounded},
        ]
    return fields


NMOSD_TEMPLATE = [
    (
        "Study",
        [
            {
                "key": "study_design",
                "label": "Study design",
                "field_type": "choice",
                "required": True,
                "choices": ["randomised controlled trial", "prospective cohort", "retrospective cohort", "case series"],
            },
            {"key": "country", "label": "Country", "field_type": "text", "required": True},
            {
                "key": "follow_up_months",
                "label": "Follow-up",
                "field_type": "number",
                "unit": "months",
                "positive": True,
                "max_value": 600,
                "tolerance": 0.5,
                "help_text": "Mean (or median) time on treatment.",
            },
        ],
    ),
    (
        "Arm: treatment and patients",
        [
            {
                "key": "treatment",
                "label": "Treatment",
                "field_type": "choice",
                "per_arm": True,
                "required": True,
                "choices": TREATMENTS,
            },
            {
                "key": "dose",
                "label": "Dose",
                "field_type": "text",
                "per_arm": True,
                "help_text": "As reported, e.g. 8 mg/kg every 4 weeks; 2-3 mg/kg/day.",
            },
            {
                "key": "n",
                "label": "Patients (n)",
                "field_type": "integer",
                "per_arm": True,
                "required": True,
                "min_value": 1,
                "sum_of": ["women", "men"],
            },
            {"key": "women", "label": "Women", "field_type": "integer", "per_arm": True, "min_value": 0},
            {"key": "men", "label": "Men", "field_type": "integer", "per_arm": True, "min_value": 0},
            {
                "key": "age_mean",
                "label": "Age: mean",
                "field_type": "number",
                "unit": "years",
                "per_arm": True,
                "min_value": 0,
                "max_value": 100,
                "tolerance": 0.05,
            },
            {
                "key": "age_sd",
                "label": "Age: SD",
                "field_type": "number",
                "unit": "years",
                "per_arm": True,
                "positive": True,
                "tolerance": 0.05,
            },
            {
                "key": "aqp4_positive",
                "label": "AQP4-IgG seropositive",
                "field_type": "integer",
                "per_arm": True,
                "min_value": 0,
            },
            {
                "key": "aqp4_negative",
                "label": "AQP4-IgG seronegative",
                "field_type": "integer",
                "per_arm": True,
                "min_value": 0,
            },
            {
                "key": "aqp4_unknown",
                "label": "AQP4-IgG status unknown",
                "field_type": "integer",
                "per_arm": True,
                "min_value": 0,
            },
        ],
    ),
    ("Arm: annualised relapse rate (ARR)", _summary("arr", "ARR", "relapses/year", 20, 0.01)),
    ("Arm: disability (EDSS)", _summary("edss", "EDSS", "points", 10, 0.05)),
    (
        "Arm: relapses",
        [
            {
                "key": "relapses",
                "label": "Relapses on treatment",
                "field_type": "integer",
                "per_arm": True,
                "min_value": 0,
            },
            {
                "key": "person_years",
                "label": "Person-years on treatment",
                "field_type": "number",
                "unit": "years",
                "per_arm": True,
                "positive": True,
                "tolerance": 0.1,
            },
        ],
    ),
]
