"""`coachbot`: run the bot (Telegram with a token, else the terminal coach), chat, check,
ask, feedback, graph, studio (the reviewers' web page), and `translated` (record that a
translation is up to date)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from bot import logsafe
from bot.content import load_content
from bot.crypto import Sealer
from bot.settings import Settings
from dialogues.content.checks.review import unapproved
from dialogues.content.checks.translations import record_translation
from dialogues.content.loader import check_library_report
from dialogues.content.problems import ContentError
from dialogues.guidance.lazy import LazyGuidance

if TYPE_CHECKING:
    from dialogues.engine import Engine

log = logging.getLogger("coachbot")
GRAPH_FOLDER = Path(__file__).resolve().parent.parent / "docs" / "dialogues"


def _engine(content: Path, require_approved: bool = False) -> Engine:
    from dialogues.engine import Engine  # not for `check`: the engine imports the state machines

    library, problems = load_content(content, require_approved)
    if library is None:
        raise ContentError(problems)
    return Engine.serving(library)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate content; print every problem as path:line:col; non-zero exit on errors (and,
    with --strict, on warnings too); then translation coverage and what is not yet approved."""
    content = Path(args.content) if args.content else settings.content
    library, problems, report = check_library_report(content)
    if problems:
        print(problems.report())
    errors, warnings = len(problems.errors), len(problems.warnings)
    if library is None or report is None:
        print(f"\n{_count(errors, 'error')} and {_count(warnings, 'warning')} in {content}. "
              "Fix the errors and run the check again.", file=sys.stderr)
        return 1
    dialogues = sum(len(loc.dialogues) for loc in library.locales.values())
    print(f"\nContent OK: {dialogues} dialogue(s) in {', '.join(library.locales)} "
          f"(version {library.version}); {_count(warnings, 'warning')}.")
    for coverage in report.coverage:
        print(f"Translated: {coverage}")
        for path in coverage.untranslated:
            print(f"  not translated yet (English is shown): {path}")
    if any(c.untranslated for c in report.coverage):
        print("  To translate one: copy the English file to that place, translate the wording, "
              "then run: coachbot translated <the new file>")
    waiting = unapproved(report.reviews)
    print(f"Approved: {len(report.reviews) - len(waiting)} of {len(report.reviews)} files.")
    for review in waiting:
        print(f"  not yet approved ({review.status}): {review.path}")
    if warnings and args.strict:
        print("--strict: warnings count as failures.", file=sys.stderr)
        return 1
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def cmd_translated(args: argparse.Namespace, settings: Settings) -> int:
    """Record that a translated file matches the current English (writes its .lock file)."""
    target = Path(args.file)
    content = settings.content
    try:
        target.resolve().relative_to(content.resolve())
    except ValueError:
        print(f"{target} is not inside the content folder {content}.", file=sys.stderr)
        return 1
    if not target.exists() or target.resolve().parts[len(content.resolve().parts)] == "en":
        print(f"{target}: give a translated file, such as content/es/ui.yaml.", file=sys.stderr)
        return 1
    count = record_translation(content, target)
    print(f"Recorded {count} translated texts of {target} as up to date with the English.")
    return 0


def cmd_graph(args: argparse.Namespace, settings: Settings) -> int:
    """Write a dialogue's flow as a Mermaid diagram in a Markdown file."""
    from dialogues import graph  # the diagram extension of the state machines

    library, problems = load_content(settings.content, require_approved=False)
    if library is None:
        raise ContentError(problems)
    dialogues = library.locale(args.locale).dialogues
    if args.all:
        chosen = list(dialogues.values())
    elif args.dialogue in dialogues:
        chosen = [dialogues[args.dialogue]]
    else:
        wrong = f"There is no dialogue called '{args.dialogue}'. " if args.dialogue else ""
        print(f"{wrong}Name one of: {', '.join(dialogues)} (or use --all).", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for dialogue in chosen:
        page = out / f"{dialogue.id}.md"
        page.write_text(graph.markdown(dialogue, dialogue.mark.path), encoding="utf-8")
        print(f"wrote {page}")
    return 0


def cmd_studio(args: argparse.Namespace, settings: Settings) -> int:
    """The reviewers' studio: read, play, check and edit the content in a local web page."""
    import webbrowser

    from bot.studio.server import StudioServer
    from bot.studio.state import Studio

    server = StudioServer(Studio(settings.content), port=args.port)
    print(f"The studio is at {server.url}\n(only this computer can open it; the address holds its "
          "access key). Press Ctrl+C to stop.", flush=True)
    if not args.no_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStudio stopped.")
    finally:
        server.server_close()
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """The terminal coach: the same dialogues and wording as Telegram."""
    from bot.console import SUMMARIES, ConsoleCoach

    summaries = Path(args.summaries) if getattr(args, "summaries", None) else SUMMARIES
    ConsoleCoach(_engine(settings.content), summaries=summaries, locale=args.locale,
                 show_ids=args.show_ids).run(args.dialogue)
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the terminal coach."""
    if not settings.token:
        print("TELEGRAM_BOT_TOKEN is not set, so here is the coach in your terminal.\n"
              "(Set TELEGRAM_BOT_TOKEN to run it on Telegram.)\n")
        return cmd_chat(argparse.Namespace(dialogue=None, locale=None, show_ids=False), settings)
    from telegram.error import InvalidToken, NetworkError  # PTB only for Telegram

    try:
        return _run_telegram(settings)
    except InvalidToken:
        print("Telegram did not accept TELEGRAM_BOT_TOKEN. Copy the token again from @BotFather "
              "(it looks like 123456789:AA...), or unset it to use the terminal coach.",
              file=sys.stderr)
        return 1
    except NetworkError as error:
        print(f"Could not reach the Telegram Bot API at {settings.api_base_url} "
              f"({type(error).__name__}). Check the network connection, or "
              "TELEGRAM_API_BASE_URL if you use your own Bot API server.", file=sys.stderr)
        return 1


def _run_telegram(settings: Settings) -> int:
    """The bot on Telegram, polling or behind a webhook, until stopped."""
    from telegram import Update

    from bot.app import build_application
    from bot.store import SessionStore

    logsafe.configure()
    store = SessionStore(settings.database,
                         Sealer(settings.encryption_key, settings.encryption_old_keys),
                         grace_seconds=settings.summary_grace_minutes * 60,
                         retention_days=settings.retention_days)
    engine = _engine(settings.content, settings.require_approved)
    application = build_application(settings, engine, store)
    application.bot_data["reloader"].install_sighup()
    if isinstance(engine.guidance, LazyGuidance):  # built while the bot starts polling
        threading.Thread(target=engine.guidance.warm, name="guidance", daemon=True).start()
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


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Show which cards each question reaches, so reviewers can check the search."""
    engine = _engine(settings.content)
    questions = args.question
    if questions == ["-"]:
        questions = [line.strip() for line in sys.stdin if line.strip()]
    for question in questions:
        ranking = engine.search(question, args.locale, args.limit)
        cards = [{"id": h.card.id, "score": h.score, "source": list(h.card.source)}
                 for h in ranking.hits]
        if args.json:
            print(json.dumps({"question": question, "answered": ranking.answered, "cards": cards},
                             ensure_ascii=False))
            continue
        verdict = ("answered, with a caveat (the best card covers little of the question)"
                   if ranking.tentative else "answered" if ranking.answered
                   else f"no guidance (outside the guidelines: {ranking.outside})"
                   if ranking.outside else "no guidance (below the threshold)")
        print(f"{question}\n  {verdict}")
        for rank, hit in enumerate(ranking.hits, start=1):
            print(f"  {rank}. {hit.card.id}  {hit.score:.3f}  {hit.card.title}  "
                  f"[{', '.join(hit.card.source)}]")
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    """Show reviewers which cards people found unhelpful, from the bot's database."""
    from bot.features.guidance.store import read_feedback  # the features import PTB

    feedback = read_feedback(settings.database)
    if feedback is None:
        print(f"No feedback yet: there is no database at {settings.database} (set COACHBOT_DB "
              "to the bot's database, or run the bot on Telegram first).")
        return 0
    engine = _engine(settings.content)
    print(f"Guidance feedback in {settings.database} (only card ids and votes are kept, never "
          "questions):")
    if not feedback.votes:
        print("  no votes yet")
    for card_id, (up, down) in feedback.votes.items():
        card = engine.guidance.card(card_id) if engine.guidance else None
        title = card.title if card else "(no longer a card)"
        print(f"  {card_id}  👍 {up}  👎 {down}  {title}")
    print(f"Questions no card answered (no guidance, or \"None of these\"): {feedback.unanswered}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="coachbot", description=__doc__)
    sub = root.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the bot (Telegram with a token, else the terminal)")
    run.set_defaults(handler=cmd_run)
    chat = sub.add_parser("chat", help="try the dialogues in this terminal")
    chat.add_argument("dialogue", nargs="?", help="a dialogue id, e.g. self_reflection")
    chat.add_argument("--summaries", metavar="DIR",
                      help="folder for summary documents (default: ./coachbot-summaries)")
    chat.add_argument("--locale", help="language to preview, e.g. es (default: en)")
    chat.add_argument("--show-ids", action="store_true",
                      help="show each step's id, file and line, and sources, to find what to edit")
    chat.set_defaults(handler=cmd_chat)
    check = sub.add_parser("check", help="check the content and report every problem")
    check.add_argument("content", nargs="?", help="content folder (default: the bot's)")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.set_defaults(handler=cmd_check)
    ask = sub.add_parser("ask", help="show which guidance cards a question reaches")
    ask.add_argument("question", nargs="+", help="one or more questions; '-' reads one a line "
                                                 "from standard input")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--locale", default=None, help="the language to search (default: en)")
    ask.add_argument("--limit", type=int, default=3, help="how many cards to list (default 3)")
    ask.set_defaults(handler=cmd_ask)
    feedback = sub.add_parser("feedback", help="show the 👍/👎 votes per guidance card and how "
                                               "many questions went unanswered")
    feedback.set_defaults(handler=cmd_feedback)
    drawing = sub.add_parser("graph", help="draw a dialogue's flow as a Mermaid diagram")
    drawing.add_argument("dialogue", nargs="?", help="a dialogue id, e.g. self_reflection")
    drawing.add_argument("--all", action="store_true", help="every dialogue")
    drawing.add_argument("--locale", help="language of the titles (default: en)")
    drawing.add_argument("--out", default=str(GRAPH_FOLDER), help=f"folder (default: {GRAPH_FOLDER})")
    drawing.set_defaults(handler=cmd_graph)
    studio = sub.add_parser("studio", help="read, play, check and edit the content in a browser")
    studio.add_argument("--port", type=int, default=0,
                        help="port on 127.0.0.1 (default: any free port)")
    studio.add_argument("--no-browser", action="store_true", help="only print the address")
    studio.set_defaults(handler=cmd_studio)
    translated = sub.add_parser("translated",
                                help="record that a translated file is up to date with the English")
    translated.add_argument("file", help="the translated file, e.g. content/es/ui.yaml")
    translated.set_defaults(handler=cmd_translated)
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
