"""Guidance search: latency and accuracy beside a plain `rank-bm25` baseline, in one run.

    .venv/bin/python bench/guidance.py [--rounds 20]

Both rankers see the same cards (title, example phrasings, answer, more). The baseline is
BM25Okapi over lower-cased words with no stemming, synonyms, typo repair or threshold, so it
always answers; the coach's ranking is also shown with its threshold off, for a like-for-like
comparison (threshold and out-of-scope list both off). Figures are printed per half of
tests/data/guidance_questions.yaml (dev, holdout) and tests/data/guidance_questions_fresh.yaml
(design, fresh).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

from rank_bm25 import BM25Okapi

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dialogues.content.loader import load_library  # noqa: E402
from dialogues.guidance.cards import Card  # noqa: E402
from dialogues.guidance.index import CardIndex  # noqa: E402
from tests.support.evaluation import Figures, Question, Rank, load_questions, measure  # noqa: E402


def baseline(cards: tuple[Card, ...]) -> Rank:
    def tokens(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    corpus = [tokens(" ".join((c.title, *c.also_asked, c.answer, c.more))) for c in cards]
    bm25 = BM25Okapi(corpus)

    def rank(question: str) -> tuple[tuple[Card, ...], bool]:
        scores = bm25.get_scores(tokens(question))
        best = sorted(range(len(cards)), key=lambda i: -scores[i])[:3]
        return tuple(cards[i] for i in best), True
    return rank


def ours(index: CardIndex, threshold: bool = True) -> Rank:
    """The coach's search; without `threshold` it always answers, like the baseline."""
    def rank(question: str) -> tuple[tuple[Card, ...], bool]:
        ranking = index.search(question, 3)
        return tuple(h.card for h in ranking.hits), ranking.answered or not threshold
    return rank


def latencies(rank: Rank, questions: list[Question], rounds: int) -> list[float]:
    """Milliseconds per question, every question `rounds` times (after one warm-up pass)."""
    for question in questions:
        rank(question.text)
    times = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter_ns()
            rank(question.text)
            times.append((time.perf_counter_ns() - started) / 1e6)
    return times


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    library = load_library(REPO / "content")
    english = library.locale("en")
    data = REPO / "tests" / "data"
    questions = [*load_questions(data / "guidance_questions.yaml"),
                 *load_questions(data / "guidance_questions_fresh.yaml")]
    built = time.perf_counter()
    index = CardIndex(english.cards, english.synonyms, english.out_of_scope)
    build_ms = (time.perf_counter() - built) * 1000
    rankers = {"coach (FTS5 bm25 + synonyms + typos, with its 'no guidance' threshold and "
               "out-of-scope list)": ours(index),
               "baseline (rank-bm25 BM25Okapi, always answers)": baseline(english.cards),
               "coach ranking alone (threshold off, always answers)": ours(index, threshold=False)}
    print(f"{len(english.cards)} cards, {len(questions)} questions, {args.rounds} rounds; "
          f"index built in {build_ms:.1f} ms")
    timing: dict[str, tuple[float, float]] = {}
    for name, rank in rankers.items():
        times = latencies(rank, questions, args.rounds)
        timing[name] = (percentile(times, 0.5), percentile(times, 0.95))
        print(f"\n{name}\n  latency p50 {timing[name][0]:.3f} ms, p95 {timing[name][1]:.3f} ms")
        for half in ("dev", "holdout", "design", "fresh"):
            figures: Figures = measure([q for q in questions if q.half == half], rank)
            print(f"  {half:8} {figures}")
            writers = sorted({q.writer for q in questions if q.half == half and q.writer})
            for writer in writers if len(writers) > 1 else ():
                figures = measure([q for q in questions if q.writer == writer], rank)
                print(f"    set {writer}  {figures}")
    (ours_p50, ours_p95), (base_p50, base_p95), _ = timing.values()
    print(f"\ncoach / baseline latency: p50 {ours_p50 / base_p50:.2f}x, p95 {ours_p95 / base_p95:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
