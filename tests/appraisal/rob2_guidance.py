"""The RoB 2 algorithms as the guidance draws them, transcribed independently of `appraisal/tools/rob2.json`.

The tool file states each judgement as the guidance's criteria ("Low risk of bias: the allocation sequence was
adequately concealed and ..."); here each domain is the cribsheet's flowchart instead, one row per path from the first
question to a judgement. A question not on a path may take any answer. Sources: RoB 2 cribsheet and full guidance
document of 22 August 2019 (Higgins, Savović, Page, Sterne; riskofbias.info), the algorithm of each domain:
domain 1 (randomization process), domain 2 (effect of assignment: part 1 for 2.1-2.5, part 2 for 2.6-2.7, and the
table combining the parts; effect of adhering), domain 3 (missing outcome data), domain 4 (measurement of the
outcome), domain 5 (selection of the reported result); overall judgement: full guidance, table of criteria for the
overall risk-of-bias judgement, and Sterne et al. BMJ 2019;366:l4898, Table 2.
"""

LOW, SOME, HIGH = "low", "some_concerns", "high"

# Either of 2.1 and 2.2 answered Y/PY/NI, as two disjoint paths.
EITHER_AWARE = [{"2.1": "Y/PY/NI"}, {"2.1": "N/PN", "2.2": "Y/PY/NI"}]

DOMAIN_1 = [
    ({"1.2": "Y/PY", "1.1": "Y/PY/NI", "1.3": "N/PN/NI"}, LOW),
    ({"1.2": "Y/PY", "1.1": "Y/PY/NI", "1.3": "Y/PY"}, SOME),
    ({"1.2": "Y/PY", "1.1": "N/PN"}, SOME),
    ({"1.2": "NI", "1.3": "N/PN/NI"}, SOME),
    ({"1.2": "NI", "1.3": "Y/PY"}, HIGH),
    ({"1.2": "N/PN"}, HIGH),
]

DOMAIN_2_ASSIGNMENT_PART_1 = [({"2.1": "N/PN", "2.2": "N/PN"}, LOW)] + [
    (aware | path, judgement)
    for aware in EITHER_AWARE
    for path, judgement in [
        ({"2.3": "N/PN"}, LOW),
        ({"2.3": "NI"}, SOME),
        ({"2.3": "Y/PY", "2.4": "N/PN"}, SOME),
        ({"2.3": "Y/PY", "2.4": "Y/PY/NI", "2.5": "Y/PY"}, SOME),
        ({"2.3": "Y/PY", "2.4": "Y/PY/NI", "2.5": "N/PN/NI"}, HIGH),
    ]
]
DOMAIN_2_ASSIGNMENT_PART_2 = [
    ({"2.6": "Y/PY"}, LOW),
    ({"2.6": "N/PN/NI", "2.7": "N/PN"}, SOME),
    ({"2.6": "N/PN/NI", "2.7": "Y/PY/NI"}, HIGH),
]
# The cribsheet's table for the domain: low if both parts are low, high if either is high, some concerns otherwise.
PARTS_COMBINED = {
    (LOW, LOW): LOW,
    (LOW, SOME): SOME,
    (SOME, LOW): SOME,
    (SOME, SOME): SOME,
    (LOW, HIGH): HIGH,
    (SOME, HIGH): HIGH,
    (HIGH, LOW): HIGH,
    (HIGH, SOME): HIGH,
    (HIGH, HIGH): HIGH,
}

# Effect of adhering: both unaware, or non-protocol interventions balanced / not applicable, lead to 2.4 and 2.5;
# unbalanced (or no information on) non-protocol interventions lead straight to 2.6.
_TO_2_4 = [{"2.1": "N/PN", "2.2": "N/PN"}] + [aware | {"2.3": "Y/PY/NA"} for aware in EITHER_AWARE]
_AT_2_6 = [({"2.6": "Y/PY"}, SOME), ({"2.6": "N/PN/NI"}, HIGH)]
DOMAIN_2_ADHERING = (
    [(start | {"2.4": "N/PN/NA", "2.5": "N/PN/NA"}, LOW) for start in _TO_2_4]
    + [
        (start | problem | end, judgement)
        for start in _TO_2_4
        for problem in [{"2.4": "Y/PY/NI"}, {"2.4": "N/PN/NA", "2.5": "Y/PY/NI"}]
        for end, judgement in _AT_2_6
    ]
    + [(aware | {"2.3": "N/PN/NI"} | end, judgement) for aware in EITHER_AWARE for end, judgement in _AT_2_6]
)

DOMAIN_3 = [
    ({"3.1": "Y/PY"}, LOW),
    ({"3.1": "N/PN/NI", "3.2": "Y/PY"}, LOW),
    ({"3.1": "N/PN/NI", "3.2": "N/PN", "3.3": "N/PN"}, LOW),
    ({"3.1": "N/PN/NI", "3.2": "N/PN", "3.3": "Y/PY/NI", "3.4": "N/PN"}, SOME),
    ({"3.1": "N/PN/NI", "3.2": "N/PN", "3.3": "Y/PY/NI", "3.4": "Y/PY/NI"}, HIGH),
]

_BLINDING_PATHS = [
    ({"4.3": "N/PN"}, (LOW, SOME)),
    ({"4.3": "Y/PY/NI", "4.4": "N/PN"}, (LOW, SOME)),
    ({"4.3": "Y/PY/NI", "4.4": "Y/PY/NI", "4.5": "N/PN"}, (SOME, SOME)),
    ({"4.3": "Y/PY/NI", "4.4": "Y/PY/NI", "4.5": "Y/PY/NI"}, (HIGH, HIGH)),
]
DOMAIN_4 = (
    [({"4.1": "Y/PY"}, HIGH), ({"4.1": "N/PN/NI", "4.2": "Y/PY"}, HIGH)]
    # 4.2 N/PN: the judgement on the left; 4.2 NI: the flowchart's second branch, never better than some concerns.
    + [({"4.1": "N/PN/NI", "4.2": "N/PN"} | path, judgements[0]) for path, judgements in _BLINDING_PATHS]
    + [({"4.1": "N/PN/NI", "4.2": "NI"} | path, judgements[1]) for path, judgements in _BLINDING_PATHS]
)

DOMAIN_5 = [
    ({"5.2": "Y/PY"}, HIGH),
    ({"5.2": "N/PN/NI", "5.3": "Y/PY"}, HIGH),
    ({"5.2": "N/PN", "5.3": "N/PN", "5.1": "Y/PY"}, LOW),
    ({"5.2": "N/PN", "5.3": "N/PN", "5.1": "N/PN/NI"}, SOME),
    ({"5.2": "NI", "5.3": "N/PN/NI"}, SOME),
    ({"5.2": "N/PN", "5.3": "NI"}, SOME),
]


def overall(domains: tuple[str, ...]) -> str:
    """Low: low in every domain; some concerns: some concerns in at least one domain and high in none; high: high
    in at least one domain (the guidance's alternative, some concerns in several domains, is the assessor's)."""
    if all(d == LOW for d in domains):
        return LOW
    return HIGH if HIGH in domains else SOME
