"""How long the coach takes to start, timed as whole processes: `coachbot check content` until
it exits, `coachbot chat` until its first prompt, and `coachbot run` until its first
`getUpdates` on the loopback Bot API stand-in (`tests.support.botapi.BotApiServer`). The
baseline, in the same run, is `python -c pass`. Runs alternate; figures are medians.

    .venv/bin/python -m bench.startup [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.botapi import BotApiServer, FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
COACHBOT = [sys.executable, "-m", "bot.cli"]
PROMPT = b"> "


def environment(**extra: str) -> dict[str, str]:
    """The bench's environment without any Telegram or database settings of the caller's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "COACHBOT_"))}
    return {**env, **extra}


def until_exit(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=environment(), stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def chat_to_prompt() -> float:
    """`coachbot chat self_reflection` until it asks for the first answer."""
    started = time.perf_counter()
    with subprocess.Popen([*COACHBOT, "chat", "self_reflection"], cwd=ROOT, env=environment(),
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE) as chat:
        assert chat.stdout is not None and chat.stdin is not None
        seen = b""
        while PROMPT not in seen:
            chunk = os.read(chat.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError("the chat ended before its first prompt")
            seen += chunk
        elapsed = time.perf_counter() - started
        chat.stdin.close()
        chat.stdout.read()
    return elapsed


def run_to_first_poll() -> float:
    """`coachbot run` with a token, until its first getUpdates reaches the stand-in."""
    with tempfile.TemporaryDirectory() as folder, BotApiServer(FakeBotApi()) as server:
        env = environment(TELEGRAM_BOT_TOKEN=server.api.token,
                          TELEGRAM_API_BASE_URL=server.base_url,
                          COACHBOT_DB=str(Path(folder) / "coach.sqlite3"))
        started, clock = time.perf_counter(), time.monotonic()
        bot = subprocess.Popen([*COACHBOT, "run"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            poll = server.wait_for("getUpdates", timeout=60)
            return poll.time - clock + (clock - started)
        finally:
            bot.send_signal(signal.SIGINT)
            bot.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="alternating runs of each")
    args = parser.parse_args()
    timed: dict[str, tuple[Callable[[], float], str]] = {
        "python -c pass (baseline)": (lambda: until_exit([sys.executable, "-c", "pass"]), ""),
        "coachbot check content, whole process": (
            lambda: until_exit([*COACHBOT, "check", "content"]), "<= 0.5 s"),
        "coachbot chat, to its first prompt": (chat_to_prompt, ""),
        "coachbot run, to its first getUpdates": (run_to_first_poll, "<= 1.5 s"),
    }
    runs: dict[str, list[float]] = {name: [] for name in timed}
    for _ in range(args.repeat):
        for name, (measure, _target) in timed.items():
            runs[name].append(measure())
    baseline = statistics.median(runs["python -c pass (baseline)"])
    print(f"medians of {args.repeat} alternating runs (min-max), whole processes")
    for name, (_measure, target) in timed.items():
        median = statistics.median(runs[name])
        print(f"{name:40} {median:6.3f} s ({min(runs[name]):.3f}-{max(runs[name]):.3f}) "
              f"{median / baseline:5.1f}x python{f'  target {target}' if target else ''}")


if __name__ == "__main__":
    main()
