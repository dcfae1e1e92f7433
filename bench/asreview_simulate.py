"""ASReview LAB's default model on one dataset, for bench/prioritisation.py: JSON in on stdin, JSON out.

Runs under ASReview's own interpreter (bench/.venv-asreview, see bench/prioritisation.py),
since asreview pins versions Tandem's venv does not have, and so imports nothing of Tandem.

In:  {"title": [...], "abstract": [...], "labels": [0/1, ...], "batch": 10,
      "runs": [{"seed": 0, "priors": [include_index, exclude_index]}, ...]}
Out: {"asreview": version, "model": name, "runs": [{"order": [...], "seconds": s}, ...]}
     where order is every record ASReview asked for after the priors, until the last relevant.

The simulation is the one ``asreview simulate`` runs (a top-down cycle until the model can
train, then the default model), with n_query = batch so both tools retrain equally often, and
the global numpy seed set per run as the command's --seed does (LinearSVC draws from it).
"""

import dataclasses
import json
import sys
import time

import asreview
import numpy as np
import pandas as pd
from asreview.learner import ActiveLearningCycle
from asreview.models.models import get_ai_config
from asreview.models.queriers import TopDown
from asreview.models.stoppers import IsFittable
from asreview.simulation.simulate import Simulate


def simulate(data, labels, priors, batch, seed):
    np.random.seed(seed)
    cycle = dataclasses.replace(get_ai_config()["value"], n_query=batch)
    cycles = [
        ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()),
        ActiveLearningCycle.from_meta(cycle),
    ]
    simulation = Simulate(data, labels, cycles, print_progress=False)
    simulation.label(priors)
    simulation.review()
    return [int(i) for i in simulation._results["record_id"].tolist()[len(priors) :]]


def main():
    request = json.load(sys.stdin)
    data = pd.DataFrame({"title": request["title"], "abstract": request["abstract"]})
    labels = np.array(request["labels"])
    runs = []
    for run in request["runs"]:
        start = time.perf_counter()
        order = simulate(data, labels, run["priors"], request["batch"], run["seed"])
        runs.append({"order": order, "seconds": time.perf_counter() - start})
    json.dump({"asreview": asreview.__version__, "model": get_ai_config()["name"], "runs": runs}, sys.stdout)


if __name__ == "__main__":
    main()
