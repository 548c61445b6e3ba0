"""How long the coach takes to start, timed as whole processes: `coachbot check content` until
it exits, `coachbot chat` until its first prompt, and `coachbot run` until its first
`getUpdates` on the loopback Bot API stand-in (`tests.support.botapi.BotApiServer`). The
baseline, in the same run, is `python -c pass`. Runs alternate; figures are medians of wall
clock and of the process's own CPU time (user + system, read from /proc at the moment
measured), which a machine shared with other work disturbs less.

    .venv/bin/python -m bench.startup [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tests.support.botapi import BotApiServer, FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
COACHBOT = [sys.executable, "-m", "bot.cli"]
PROMPT = b"> "


def environment(**extra: str) -> dict[str, str]:
    """The bench's environment without any Telegram or database settings of the caller's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "COACHBOT_"))}
    return {**env, **extra}


Timing = tuple[float, float]  # wall clock and CPU time, seconds


def cpu_of(pid: int) -> float:
    """User + system CPU seconds a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def until_exit(argv: list[str]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=environment(), stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def chat_to_prompt() -> Timing:
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
        elapsed, cpu = time.perf_counter() - started, cpu_of(chat.pid)
        chat.stdin.close()
        chat.stdout.read()
    return elapsed, cpu


class PollWatch(FakeBotApi):
    """The stand-in, noting when the first getUpdates *arrives* (a long poll is recorded only
    when it returns)."""

    def __init__(self) -> None:
        super().__init__()
        self.polled = threading.Event()
        self.first_poll = 0.0

    def handle(self, method: str, params: Any, files: Mapping[str, Any] | None = None) -> Any:
        if method.lower() == "getupdates" and not self.polled.is_set():
            self.first_poll = time.perf_counter()
            self.polled.set()
        return super().handle(method, params, files)


def run_to_first_poll() -> Timing:
    """`coachbot run` with a token, until its first getUpdates reaches the stand-in."""
    api = PollWatch()
    with tempfile.TemporaryDirectory() as folder, BotApiServer(api) as server:
        env = environment(TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=server.base_url,
                          COACHBOT_DB=str(Path(folder) / "coach.sqlite3"))
        started = time.perf_counter()
        bot = subprocess.Popen([*COACHBOT, "run"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if not api.polled.wait(timeout=60):
                raise RuntimeError("the bot never polled")
            return api.first_poll - started, cpu_of(bot.pid)
        finally:
            bot.send_signal(signal.SIGINT)
            bot.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="alternating runs of each")
    args = parser.parse_args()
    timed: dict[str, tuple[Callable[[], Timing], str]] = {
        "python -c pass (baseline)": (lambda: until_exit([sys.executable, "-c", "pass"]), ""),
        "coachbot check content, whole process": (
            lambda: until_exit([*COACHBOT, "check", "content"]), "<= 0.5 s"),
        "coachbot chat, to its first prompt": (chat_to_prompt, ""),
        "coachbot run, to its first getUpdates": (run_to_first_poll, "<= 1.5 s"),
    }
    runs: dict[str, list[Timing]] = {name: [] for name in timed}
    for _ in range(args.repeat):
        for name, (measure, _target) in timed.items():
            runs[name].append(measure())
    print(f"medians of {args.repeat} alternating runs, whole processes: wall clock (min-max) | "
          "CPU time of the process")
    baseline = statistics.median(w for w, _c in runs["python -c pass (baseline)"])
    for name, (_measure, target) in timed.items():
        walls = [w for w, _c in runs[name]]
        wall, cpu = statistics.median(walls), statistics.median(c for _w, c in runs[name])
        print(f"{name:40} {wall:6.3f} s ({min(walls):.3f}-{max(walls):.3f}) {wall / baseline:5.1f}x "
              f"python | CPU {cpu:5.2f} s{f'  target {target}' if target else ''}")


if __name__ == "__main__":
    main()
