#!/usr/bin/env python3
"""Writes the R test city: a small two-stage sample built to hit every case
of SAMPLING.md S4 (v2). Deterministic: run it again and the files are the
same. R computes the goldens from these files (survey.R); the Go test
(internal/analysis) computes the same figures and compares.

Cases it holds on purpose:
- county A: a stratum with m_h = 1 of M_h = 6 (lonely unit, "adjust");
  a branch stratum whose drawn unit A-B4 gave no answer (unit non-response);
- county B: a stratum fully drawn (m_h = M_h); a unit with n_i = 1 of
  N_i = 9; a census unit (n_i = N_i);
- municipal units (certainty stratum): one census, one where every answer is
  favorable (p = 1), one where none is (p = 0);
- 不了解 (level -1) on Q2, so its n_i differ from the other items'.
"""
import csv, os, random

here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20261202)

strata = [  # stratum, county, kind, M (units in the frame), certainty
    ("A/county_dept", "A", "county_dept", 10, 0),
    ("A/township", "A", "township", 6, 0),
    ("A/branch", "A", "branch", 20, 0),
    ("B/county_dept", "B", "county_dept", 4, 0),
    ("B/township", "B", "township", 5, 0),
    ("B/branch", "B", "branch", 8, 0),
    ("C/municipal_unit", "", "municipal_unit", 4, 1),
]
# unit, stratum, roster N, respondents n, favourable lean (or "all"/"none")
units = [
    ("A-D1", "A/county_dept", 40, 12, 0.8),
    ("A-D2", "A/county_dept", 25, 10, 0.6),
    ("A-D3", "A/county_dept", 60, 14, 0.9),
    ("A-T1", "A/township", 120, 30, 0.7),
    ("A-B1", "A/branch", 9, 4, 0.75),
    ("A-B2", "A/branch", 15, 5, 0.5),
    ("A-B3", "A/branch", 22, 6, 0.85),
    ("A-B4", "A/branch", 12, 0, 0.0),  # drawn, no answer
    ("B-D1", "B/county_dept", 30, 8, 0.7),
    ("B-D2", "B/county_dept", 18, 7, 0.65),
    ("B-D3", "B/county_dept", 26, 9, 0.8),
    ("B-D4", "B/county_dept", 35, 10, 0.55),
    ("B-T1", "B/township", 90, 20, 0.6),
    ("B-T2", "B/township", 75, 18, 0.9),
    ("B-B1", "B/branch", 9, 1, 0.7),   # n_i = 1
    ("B-B2", "B/branch", 7, 7, 0.6),   # census unit
    ("M1", "C/municipal_unit", 50, 30, 0.8),
    ("M2", "C/municipal_unit", 6, 6, 0.5),     # census
    ("M3", "C/municipal_unit", 40, 12, "all"),  # p = 1
    ("M4", "C/municipal_unit", 28, 10, "none"), # p = 0
]
questions = [("Q1", "D1"), ("Q2", "D1"), ("Q3", "D2"), ("Q4", "D2"), ("overall", "")]


def level(lean):
    if lean == "all":
        return rng.choice([0, 1])
    if lean == "none":
        return rng.choice([2, 3])
    if rng.random() < lean:
        return rng.choice([0, 0, 1])
    return rng.choice([2, 2, 3])


with open(os.path.join(here, "strata.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["stratum", "county", "kind", "M", "certainty"])
    w.writerows(strata)
with open(os.path.join(here, "units.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["unit", "stratum", "N"])
    for u in units:
        w.writerow(u[:3])
with open(os.path.join(here, "questions.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["question", "dimension"])
    w.writerows(questions)
with open(os.path.join(here, "answers.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["respondent", "unit", "question", "level"])
    for unit, _, _, n, lean in units:
        for j in range(1, n + 1):
            for q, _ in questions:
                lv = level(lean)
                if q == "Q2" and lean not in ("all", "none") and rng.random() < 0.2:
                    lv = -1  # 不了解
                w.writerow([f"{unit}-r{j:02d}", unit, q, lv])
