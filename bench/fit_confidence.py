"""Fit the "no guidance" decision (dialogues/guidance/confidence.py) on the tuning questions.

    python -m bench.fit_confidence

Reads only the tuning halves of tests/data/ (tests.support.evaluation.TUNING_HALVES: dev,
design, third, tuning, unseen, next, round5, round6, round7; never holdout, fresh, round8 or
round9), computes each question's signals with the bot's own hybrid search, fits a logistic
model of them (Newton's method, a small L2 penalty so that a signal seen rarely cannot take an
extreme weight), and picks the answer threshold that leaves the most room above both of the
issue's targets at once: the share of answerable questions showing a right card in the first
three (a declined one shows none) over `--top3`, and the share of unanswerable ones declined
over `--declined`, each the mean over the tuning halves. Each half counts once whatever its
size, as each new set of questions is judged on its own: pooled, the tuning half's 100
unanswerable questions (written to be hard to decline, against 13 in 50 in every writer's set)
outweighed the rest, and the round6 set lost 14 answerable questions to "no guidance" while
declining 51 of its 52 unanswerable ones. Each half's questions are read with the
questions written for it left out of the reviewers' list of unanswered questions
(content/<locale>/unanswered.yaml; tests.support.evaluation.without_own_questions), as a new
writer's questions meet it: in the list, an unanswerable tuning question would find itself and
teach the fit that the margin over the list is surer than it is. Prints
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
from tests.support.evaluation import (
    QUESTION_FILES,
    TUNING_HALVES,
    Question,
    cites,
    load_questions,
    without_own_questions,
)

NAMES = ("COVERAGE_WEIGHT", "MARGIN_WEIGHT", "FACT_WEIGHT", "AGREE_WEIGHT",
         "NAMED_OUTSIDE_WEIGHT", "BIAS")  # confidence.py's constants, in the order of inputs()
REPO = Path(__file__).resolve().parent.parent
TUNING = TUNING_HALVES


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
                        help="share of answerable questions that must show a right card in "
                             "the first three")
    parser.add_argument("--declined", type=float, default=0.90,
                        help="share of unanswerable questions that must get no guidance")
    parser.add_argument("--penalty", type=float, default=0.3)
    args = parser.parse_args(argv)
    library = load_library(REPO / "content")
    questions: list[Question] = [q for file in QUESTION_FILES for q in load_questions(file)
                                 if q.half in TUNING]
    ranking, signals = {}, {}
    for half in TUNING:
        guidance = Guidance(without_own_questions(library, half))
        hybrid = guidance.hybrid()
        if hybrid is None:
            print("the embedding model did not load: nothing to fit", file=sys.stderr)
            return 1
        for q in questions:
            if q.half == half:
                ranking[q], signals[q] = guidance.search(q.text), hybrid.signals(q.text)
    fitted = [q for q in questions if not vetoed(q.text, ranking[q])]
    x = np.array([inputs(signals[q]) for q in fitted])
    y = np.array([1.0 if q.expect else 0.0 for q in fitted])
    w = fit(x, y, args.penalty)
    score = dict(zip(fitted, 1.0 / (1.0 + np.exp(-(np.c_[x, np.ones(len(x))] @ w))),
                     strict=True))

    def answered(q: Question, threshold: float) -> bool:
        return ranking[q].reframed or (q in score and score[q] >= threshold)

    def top3(halves: tuple[str, ...], threshold: float) -> float:
        asked = [q for q in questions if q.half in halves and q.expect]
        return sum(answered(q, threshold) and any(cites(q, hit.card) for hit in ranking[q].hits[:3])
                   for q in asked) / len(asked)

    def declined(halves: tuple[str, ...], threshold: float) -> float:
        outside = [q for q in questions if q.half in halves and not q.expect]
        return sum(not answered(q, threshold) for q in outside) / len(outside)

    def room(threshold: float) -> float:
        mean_top3 = sum(top3((half,), threshold) for half in TUNING) / len(TUNING)
        mean_declined = sum(declined((half,), threshold) for half in TUNING) / len(TUNING)
        return min(mean_top3 - args.top3, mean_declined - args.declined)

    threshold = max((t / 100 for t in range(30, 96)), key=room)
    print(f"{len(questions)} tuning questions ({len(fitted)} fitted, "
          f"{len(questions) - len(fitted)} refused outright by a listed phrase)")
    print("\n".join(f"{name} = {weight:.2f}" for name, weight in zip(NAMES, w, strict=True)))
    print(f"ANSWER_CONFIDENCE = {threshold:.2f}")
    for halves in (TUNING, *((half,) for half in TUNING)):
        print(f"  {'+'.join(halves) if len(halves) == 1 else 'pooled':7} right card in three "
              f"{top3(halves, threshold):.1%}, out of scope declined "
              f"{declined(halves, threshold):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
