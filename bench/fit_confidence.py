"""Fit the "no guidance" decision (dialogues/guidance/confidence.py) on the tuning questions.

    python -m bench.fit_confidence

Reads only the tuning halves of tests/data/ (dev, design, third, tuning, unseen; never
holdout, fresh, next or round5), computes each question's signals with the bot's own hybrid
search, fits a logistic model of them (Newton's method, a small L2 penalty so that a signal
seen rarely cannot take an extreme weight), and picks the answer threshold: the highest at
which every tuning half still shows a right card in the first three for `--top3` of its
answerable questions (the issue's target; a declined answerable question shows none). Prints
the constants to copy into confidence.py and, per tuning half, what they do. A question of one
sentence naming a listed out-of-scope phrase is left out of the fit (the list refuses it
whatever the probability); questions the search reframes are always answered (with the
reframing card first).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from dialogues.content.loader import load_library
from dialogues.guidance.confidence import inputs
from dialogues.guidance.hybrid import vetoed
from dialogues.guidance.index import Guidance
from tests.support.evaluation import Question, cites, load_questions

NAMES = ("COVERAGE_WEIGHT", "MARGIN_WEIGHT", "FACT_WEIGHT", "AGREE_WEIGHT",
         "NAMED_OUTSIDE_WEIGHT", "BIAS")  # confidence.py's constants, in the order of inputs()
REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
TUNING = ("dev", "design", "third", "tuning", "unseen")
FILES = ("guidance_questions.yaml", "guidance_questions_fresh.yaml",
         "guidance_questions_third.yaml", "guidance_questions_tuning.yaml",
         "guidance_questions_unseen.yaml")


def fit(x: np.ndarray, y: np.ndarray, penalty: float) -> np.ndarray:
    """Weights then bias of the L2-penalised logistic regression of y on x."""
    x = np.c_[x, np.ones(len(x))]
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + penalty * np.eye(x.shape[1])
        w -= np.linalg.solve(hessian, x.T @ (p - y) + penalty * w)
    return w


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top3", type=float, default=0.93,
                        help="share of answerable questions of each tuning half that must "
                             "show a right card in the first three")
    parser.add_argument("--penalty", type=float, default=0.3)
    args = parser.parse_args(argv)
    library = load_library(REPO / "content")
    guidance = Guidance(library)
    hybrid = guidance.hybrid()
    if hybrid is None:
        print("the embedding model did not load: nothing to fit", file=sys.stderr)
        return 1
    questions: list[Question] = [q for name in FILES for q in load_questions(DATA / name)
                                 if q.half in TUNING]
    ranking = {q: guidance.search(q.text) for q in questions}
    fitted = [q for q in questions if not vetoed(q.text, ranking[q])]
    x = np.array([inputs(hybrid.signals(q.text)) for q in fitted])
    y = np.array([1.0 if q.expect else 0.0 for q in fitted])
    w = fit(x, y, args.penalty)
    score = dict(zip(fitted, 1.0 / (1.0 + np.exp(-(np.c_[x, np.ones(len(x))] @ w))),
                     strict=True))

    def answered(q: Question, threshold: float) -> bool:
        return ranking[q].reframed or (q in score and score[q] >= threshold)

    def top3(half: str, threshold: float) -> float:
        asked = [q for q in questions if q.half == half and q.expect]
        return sum(answered(q, threshold) and any(cites(q, hit.card) for hit in ranking[q].hits[:3])
                   for q in asked) / len(asked)

    threshold = max(t / 100 for t in range(30, 96)
                    if all(top3(half, t / 100) >= args.top3 for half in TUNING))
    print(f"{len(questions)} tuning questions ({len(fitted)} fitted, "
          f"{len(questions) - len(fitted)} refused outright by a listed phrase)")
    print("\n".join(f"{name} = {weight:.2f}" for name, weight in zip(NAMES, w, strict=True)))
    print(f"ANSWER_CONFIDENCE = {threshold:.2f}")
    for half in TUNING:
        outside = [q for q in questions if q.half == half and not q.expect]
        declined = sum(not answered(q, threshold) for q in outside)
        print(f"  {half:7} right card in three {top3(half, threshold):.1%}, "
              f"out of scope declined {declined}/{len(outside)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
