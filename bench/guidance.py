"""Guidance search: lexical only, hybrid (lexical + WordLlama similarity, the bot's search) and
a plain `rank-bm25` baseline, in one run: latency on one core, content load with the model,
memory the model adds, and accuracy per half and per style of question.

    .venv/bin/python bench/guidance.py [--rounds 10]

The process pins itself to one CPU core (numpy and tokenizers to one thread) before timing.
The baseline is BM25Okapi over lower-cased words with no stemming, synonyms, typo repair or
threshold, so it always answers. Figures are printed per half of tests/data/ (the tuning
halves dev, design, third, tuning, unseen, next, round5, round6, round7; the test halves
holdout, fresh; round8 to round12), then per style (tests.support.evaluation.style) over the
tuning halves, the test halves and the five newest sets of writers who never saw the cards
("new": round8 to round12, each measured on the search before a change and after it, but
round9, measured once after stop 22's changes). The hybrid search reads each tuning half with the
questions written for it left out of the reviewers' unanswered list
(tests.support.evaluation.without_own_questions), as a new writer's questions meet it.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                  "RAYON_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from rank_bm25 import BM25Okapi  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dialogues.content.loader import load_library  # noqa: E402
from dialogues.guidance.cards import Card  # noqa: E402
from dialogues.guidance.index import Guidance  # noqa: E402
from dialogues.model import Library  # noqa: E402
from tests.support.evaluation import (  # noqa: E402
    QUESTION_FILES,
    STYLES,
    TUNING_HALVES,
    Figures,
    Question,
    Rank,
    load_questions,
    measure,
    style,
    without_own_questions,
)

TUNING, TEST = TUNING_HALVES, ("holdout", "fresh")
NEWEST = ("round8", "round9", "round10", "round11", "round12")


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


def ours(guidance: Guidance) -> Rank:
    def rank(question: str) -> tuple[tuple[Card, ...], bool]:
        ranking = guidance.search(question, limit=3)
        return tuple(h.card for h in ranking.hits), ranking.answered
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


def rss_mb() -> float:
    """This process's resident memory now, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def loaded() -> tuple[Library, Guidance, Guidance, dict[str, float]]:
    """The content, the lexical and the hybrid search, timed and weighed as they load."""
    started = time.perf_counter()
    library = load_library(REPO / "content")
    content_s = time.perf_counter() - started
    lexical = Guidance(library, semantic=False)
    lexical.search("warm up")
    lexical_s = time.perf_counter() - started
    before = rss_mb()
    model_started = time.perf_counter()
    hybrid = Guidance(library)
    hybrid.search("warm up")  # loads the model and embeds every card, in both languages
    model_s = time.perf_counter() - model_started
    return library, lexical, hybrid, {
        "content": content_s, "lexical": lexical_s, "model": model_s,
        "with_model": lexical_s + model_s, "rss_added": rss_mb() - before}


def report(name: str, rank: Rank, questions: list[Question], rounds: int,
           rank_in: dict[str, Rank] | None = None) -> float:
    """Latency of `rank`, then accuracy per half and per style; `rank_in` ranks a half its own
    way (the hybrid search without a tuning half's own unanswered questions)."""
    times = latencies(rank, questions, rounds)
    p95 = percentile(times, 0.95)
    print(f"\n{name}\n  latency p50 {percentile(times, 0.5):.3f} ms, p95 {p95:.3f} ms")
    ranked = {q: (rank_in or {}).get(q.half, rank)(q.text) for q in questions}

    def measured(group: list[Question]) -> Figures:
        results = iter([ranked[q] for q in group])  # measure asks for each question in order
        return measure(group, lambda _text: next(results))
    for half in (*TUNING, *TEST, *NEWEST):
        figures = measured([q for q in questions if q.half == half])
        print(f"  {half:8} {figures}")
        writers = sorted({q.writer for q in questions if q.half == half and q.writer})
        for writer in writers if len(writers) > 1 else ():
            mine = [q for q in questions if q.half == half and q.writer == writer]
            print(f"    set {writer}  {measured(mine)}")
    for label, halves in (("tuning", TUNING), ("test", TEST), ("new", NEWEST)):
        for kind in STYLES:
            figures = measured([q for q in questions if q.half in halves and style(q) == kind])
            shown = (f"correct 'no guidance' {figures.no_guidance:.1%} of {figures.unanswerable}"
                     if kind == "unanswerable" else
                     f"top-1 {figures.top1:.1%}, top-3 {figures.top3:.1%} of {figures.answerable}")
            print(f"  {label:6} {kind:12} {shown}")
    return p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    library, lexical, hybrid, load = loaded()
    cards = library.locale("en").cards
    questions = [q for file in QUESTION_FILES for q in load_questions(file)]
    print(f"{len(cards)} cards, {len(questions)} questions, {args.rounds} rounds, one core")
    print(f"content load {load['content']:.2f} s; with the lexical index "
          f"{load['lexical']:.2f} s; model + card vectors {load['model']:.2f} s "
          f"(content load with the model {load['with_model']:.2f} s); "
          f"memory added by the model {load['rss_added']:.0f} MB")
    hybrid_rank = ours(hybrid)
    own_left_out = {half: ours(Guidance(without_own_questions(library, half)))
                    for half in TUNING}
    p95 = {
        "lexical": report("lexical only (FTS5 bm25 + synonyms + typos, 'no guidance' threshold, "
                          "out-of-scope list)", ours(lexical), questions, args.rounds),
        "hybrid": report("hybrid (lexical + WordLlama, RRF k=10, sentence coverage, calibrated "
                         "confidence with the kind of ask, agreement and the unanswered list; "
                         "Spanish card text indexed)", hybrid_rank, questions, args.rounds,
                         own_left_out),
        "baseline": report("baseline (rank-bm25 BM25Okapi, always answers)", baseline(cards),
                           questions, args.rounds),
    }
    lexical_p95, hybrid_p95, base_p95 = p95.values()
    print(f"\np95: hybrid / lexical {hybrid_p95 / lexical_p95:.2f}x, "
          f"hybrid / baseline {hybrid_p95 / base_p95:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
