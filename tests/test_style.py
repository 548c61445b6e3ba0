"""The code stays `ruff` clean (part of the test suite so CI enforces it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing() -> None:
    """`ruff check` reports no problem anywhere in the repository."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(REPO)],
        capture_output=True, text=True, cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_exactly_the_readme_test_command() -> None:
    """`.ci/run` ends with the README's second command, which runs every test (--everything)."""
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8").split("```sh\n", 1)[1]
    command = readme.splitlines()[1]
    assert command.endswith("python -m pytest --everything")
    assert (root / ".ci" / "run").read_text(encoding="utf-8").rstrip().splitlines()[-1] == command
