"""`coachbot`: run the bot (Telegram with a token, else the terminal coach), chat, check."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from urllib.parse import urlparse

from bot import logsafe
from bot.crypto import Sealer
from bot.settings import Settings
from dialogues.engine import Engine
from dialogues.loader import check_library
from dialogues.problems import ContentError

log = logging.getLogger("coachbot")


def _engine(content: Path) -> Engine:
    library, problems = check_library(content)
    if library is None:
        raise ContentError(problems)
    return Engine(library)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate content; print every problem as path:line:col; non-zero exit on errors."""
    content = Path(args.content) if args.content else settings.content
    library, problems = check_library(content)
    if problems:
        print(problems.report())
    if library is None:
        count = len(problems.errors)
        print(f"\n{count} problem{'s' if count != 1 else ''} found in {content}. "
              "Fix them and run the check again.", file=sys.stderr)
        return 1
    dialogues = sum(len(loc.dialogues) for loc in library.locales.values())
    print(f"Content OK: {dialogues} dialogue(s) in {', '.join(library.locales)} "
          f"(version {library.version}).")
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """The terminal coach: the same dialogues and wording as Telegram."""
    from bot.console import ConsoleCoach

    ConsoleCoach(_engine(settings.content)).run(args.dialogue)
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the terminal coach."""
    if not settings.token:
        print("TELEGRAM_BOT_TOKEN is not set, so here is the coach in your terminal.\n"
              "(Set TELEGRAM_BOT_TOKEN to run it on Telegram.)\n")
        return cmd_chat(argparse.Namespace(dialogue=None), settings)
    from telegram import Update

    from bot.store import SessionStore
    from bot.telegram_app import build_application

    logsafe.configure()
    store = SessionStore(settings.database,
                         Sealer(settings.encryption_key, settings.encryption_old_keys),
                         grace_seconds=settings.summary_grace_minutes * 60,
                         retention_days=settings.retention_days)
    application = build_application(settings, _engine(settings.content), store)
    if settings.webhook_url:
        log.info("starting in webhook mode on port %d", settings.port)
        application.run_webhook(
            listen="0.0.0.0", port=settings.port, url_path=urlparse(settings.webhook_url).path,
            webhook_url=settings.webhook_url, secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("starting in polling mode")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="coachbot", description=__doc__)
    sub = root.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the bot (Telegram with a token, else the terminal)")
    run.set_defaults(handler=cmd_run)
    chat = sub.add_parser("chat", help="try the dialogues in this terminal")
    chat.add_argument("dialogue", nargs="?", help="a dialogue id, e.g. self_reflection")
    chat.set_defaults(handler=cmd_chat)
    check = sub.add_parser("check", help="check the content and report every problem")
    check.add_argument("content", nargs="?", help="content folder (default: the bot's)")
    check.set_defaults(handler=cmd_check)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler = getattr(args, "handler", cmd_run)
    try:
        settings = Settings.from_env()
        Sealer(settings.encryption_key, settings.encryption_old_keys)  # check the keys now
    except ValueError as error:  # a setting that cannot be used: say which, and what to write
        print(f"Cannot start: {error}", file=sys.stderr)
        return 2
    try:
        return handler(args, settings)
    except ContentError as error:
        print(error.problems.report(), file=sys.stderr)
        print("\nThe content has problems (listed above), so the bot did not start. "
              "Run `coachbot check` after fixing them.", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
