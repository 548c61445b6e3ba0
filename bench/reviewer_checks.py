"""How long the reviewers' checks and a live reload take, against baselines measured in the same
run: the plain YAML reading they are built on, and a full content load.

Run: .venv/bin/python bench/reviewer_checks.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from dialogues.content.checks import run_checks
from dialogues.content.files import ContentFiles
from dialogues.content.loader import check_library, load_sections
from dialogues.content.problems import Problems
from dialogues.engine import Engine

CONTENT = Path(__file__).resolve().parent.parent / "content"
ROUNDS = 21


def best_of(action: Callable[[], object]) -> float:
    """Median seconds of ROUNDS runs (after one warm-up)."""
    action()
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def compose_all(loader: type) -> None:
    for file in sorted(CONTENT.rglob("*.yaml")):
        yaml.compose(file.read_text(encoding="utf-8"), Loader=loader)


def main() -> None:
    sections = load_sections(ContentFiles(CONTENT, Problems()))
    files = len(list(CONTENT.rglob("*.yaml")))
    python_yaml = best_of(lambda: compose_all(yaml.SafeLoader))
    libyaml = best_of(lambda: compose_all(yaml.CSafeLoader))
    checks = best_of(lambda: run_checks(CONTENT, sections, Problems()))
    load = best_of(lambda: check_library(CONTENT))
    reload = best_of(lambda: Engine(check_library(CONTENT)[0]))
    print(f"content: {files} YAML files")
    print(f"read all files, pure-Python PyYAML (baseline): {python_yaml * 1000:8.1f} ms")
    print(f"read all files, libyaml:                       {libyaml * 1000:8.1f} ms"
          f"  ({python_yaml / libyaml:.1f}x faster)")
    print(f"reviewer checks (language, fidelity, translations, review): {checks * 1000:8.1f} ms"
          f"  ({checks / load:.0%} of a full load)")
    print(f"full load and check (check_library):           {load * 1000:8.1f} ms")
    print(f"reload: load, check and build the engine:      {reload * 1000:8.1f} ms"
          f"  ({reload / load:.2f}x a load)")


if __name__ == "__main__":
    main()
