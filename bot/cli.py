"""`coachbot`: run the bot (Telegram with a token, else the terminal coach), chat, check,
ask, feedback, graph, studio (the reviewers' web page), and `translated` (record that a
translation is up to date)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot import logsafe
from bot.content import load_content
from bot.crypto import Sealer
from bot.database import DatabaseUnusable, open_database
from bot.settings import Settings
from dialogues.content.checks.review import Review, unapproved
from dialogues.content.checks.translations import record_translation
from dialogues.content.files import from_here, place
from dialogues.content.loader import check_library_report
from dialogues.content.problems import ContentError, Severity

if TYPE_CHECKING:
    from dialogues.engine import Engine
    from dialogues.guidance.index import Hit
    from dialogues.model import Library

log = logging.getLogger("coachbot")
WEBHOOK_WITHOUT_SECRET = (
    "Cannot start: WEBHOOK_URL is set but WEBHOOK_SECRET is not, so anyone who finds the URL "
    "could send the bot fake updates; set WEBHOOK_SECRET to a long random string of letters, "
    "digits, _ and - (for example the output of: openssl rand -hex 32).")
CONTENT_HELP = ("content folder to read, e.g. a copy you are editing "
                "(default: COACHBOT_CONTENT, else content/)")
RUN_ENVIRONMENT = """environment (all optional; README.md explains each):
  TELEGRAM_BOT_TOKEN     the bot's token from @BotFather; without it the terminal coach runs
  TELEGRAM_API_BASE_URL  another Bot API server (default https://api.telegram.org/bot)
  COACHBOT_DB            the SQLite database, created with mode 0600 (default ./coachbot.sqlite3)
  COACHBOT_DATABASE_URL  postgresql://… : PostgreSQL instead of the SQLite file
  COACHBOT_CONTENT       the content folder (default: the repository's content/; --content wins)
  COACHBOT_LOCALE        the default language (default en)
  WEBHOOK_URL, WEBHOOK_SECRET, PORT   webhook mode instead of polling (default port 8443)
  WEBHOOK_LISTEN         the webhook server's address (default 0.0.0.0)
  COACHBOT_BROADCAST_RATE  scheduled prompts per second, all processes together (default 29)
  COACHBOT_ADMINS        Telegram user ids, comma-separated, who may /reload
  COACHBOT_REQUIRE_APPROVED=1         serve only content a reviewer approved
  COACHBOT_ENCRYPTION_KEY, COACHBOT_ENCRYPTION_OLD_KEYS   encrypt stored answers
  COACHBOT_RETENTION_DAYS, COACHBOT_SUMMARY_GRACE_MINUTES  how long data is kept (30 days, 60 min)
  COACHBOT_RATE_LIMIT    updates per person per minute (default 60; 0 turns it off)
  COACHBOT_SCHEDULE_GRACE_HOURS, COACHBOT_LOG_SALT"""
FEEDBACK_ENVIRONMENT = """environment:
  COACHBOT_DB       the bot's database to read (default ./coachbot.sqlite3); nothing is changed
  COACHBOT_DATABASE_URL  or a PostgreSQL database (postgresql://…), read the same way
  COACHBOT_CONTENT  the content folder, for the cards' titles (default content/; --content wins)"""
GRAPH_FOLDER = Path(__file__).resolve().parent.parent / "docs" / "dialogues"


def _library(content: Path, require_approved: bool = False) -> Library:
    """The content, or a ContentError listing its problems."""
    library, problems = load_content(content, require_approved)
    if library is None:
        raise ContentError(problems)
    return library


def _engine(content: Path, require_approved: bool = False) -> Engine:
    from dialogues.engine import Engine  # not for `check`: the engine imports the state machines

    return Engine.serving(_library(content, require_approved))


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate content; print every problem as path:line:col (paths that open from here), the
    cause of a cascade first; non-zero exit on errors (and, with --strict, on warnings too);
    then translation coverage and, in one line unless --review, the review status."""
    content = _content(args, settings)
    here = from_here(content)
    library, problems, report = check_library_report(content)
    if problems:
        print(problems.report(here))
    warnings = len(problems.warnings)
    if library is None or report is None:
        shown = [p.severity for p in problems.shown()]
        held = problems.held_back()
        later = f", and {held} more that may follow from them" if held else ""
        print(f"\n{_count(shown.count(Severity.ERROR), 'error')} and "
              f"{_count(shown.count(Severity.WARNING), 'warning')}{later}, in "
              f"{place(content)}. Fix the errors and run the check again.",
              file=sys.stderr)
        return 1
    dialogues = len(library.locales["en"].dialogues)
    print(f"\nContent OK: {_count(dialogues, 'dialogue')} in {len(library.locales)} languages "
          f"({', '.join(library.locales)}; version {library.version}); {_count(warnings, 'warning')}.")
    for coverage in report.coverage:
        print(f"Translated: {coverage}")
        for path in coverage.untranslated:
            print(f"  not translated yet (English is shown): {here(path)}")
    if any(c.untranslated for c in report.coverage):
        print("  To translate one: copy the English file to that place, translate the wording, "
              "then run: coachbot translated <the new file>")
    _print_review(report.reviews, here, args.review)
    if warnings and args.strict:
        print("--strict: warnings count as failures.", file=sys.stderr)
        return 1
    return 0


def _print_review(reviews: list[Review], here: Callable[[str], str], every: bool) -> None:
    """One line of review status; every file waiting for approval with --review."""
    waiting = unapproved(reviews)
    by_status = Counter(review.status for review in waiting)
    states = ", ".join(f"{count} {status}" for status, count in sorted(by_status.items()))
    print(f"Approved: {len(reviews) - len(waiting)} of {len(reviews)} files"
          + (f" (waiting: {states}" + ("" if every else "; list them with --review") + ")"
             if waiting else "") + ".")
    if every:
        for review in waiting:
            print(f"  not yet approved ({review.status}): {here(review.path)}")


def _content(args: argparse.Namespace, settings: Settings) -> Path:
    """The content folder: --content (or check's positional folder), else COACHBOT_CONTENT."""
    chosen = getattr(args, "content", None) or getattr(args, "content_dir", None)
    return Path(chosen) if chosen else settings.content


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def cmd_translated(args: argparse.Namespace, settings: Settings) -> int:
    """Record that a translated file matches the current English (writes its .lock file)."""
    target = Path(args.file)
    content = _content(args, settings) if args.content else _folder_of(target, settings.content)
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


def _folder_of(target: Path, default: Path) -> Path:
    """The content folder a translated file is in (the one holding sections.yaml), so the
    command `check` prints works for any content folder; else the default."""
    for folder in target.resolve().parents:
        if (folder / "sections.yaml").exists() and (folder / "en").is_dir():
            return folder
    return default


def cmd_graph(args: argparse.Namespace, settings: Settings) -> int:
    """Write a dialogue's flow as a Mermaid diagram in a Markdown file."""
    from dialogues import graph  # the diagram extension of the state machines

    library = _library(_content(args, settings))
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

    server = StudioServer(Studio(_content(args, settings)), port=args.port)
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
    engine = _engine(_content(args, settings))
    if not _known_locale(engine, args.locale):
        return 2
    ConsoleCoach(engine, summaries=summaries, locale=args.locale,
                 show_ids=args.show_ids).run(args.dialogue)
    return 0


def _known_locale(engine: Engine, locale: str | None) -> bool:
    """Whether `locale` has content; if not, say which languages do (no silent English)."""
    if locale is None or locale in engine.library.locales:
        return True
    codes = [code for code in engine.library.locales]
    example = next((c for c in codes if c != "en"), codes[0])
    print(f"There is no '{locale}' content. Available languages: {', '.join(codes)} "
          f"(for example --locale {example}).", file=sys.stderr)
    return False


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the terminal coach."""
    if not settings.token:
        print("TELEGRAM_BOT_TOKEN is not set, so here is the coach in your terminal.\n"
              "(Set TELEGRAM_BOT_TOKEN to run it on Telegram.)\n")
        return cmd_chat(argparse.Namespace(dialogue=None, locale=None, show_ids=False,
                                           content=getattr(args, "content", None)), settings)
    if settings.webhook_url and not settings.webhook_secret:
        # Refused rather than generated: instances sharing one URL would each register their
        # own secret and reject each other's updates, and a proxy checking it could not know it.
        print(WEBHOOK_WITHOUT_SECRET, file=sys.stderr)
        return 2
    from telegram.error import InvalidToken, NetworkError  # PTB only for Telegram

    try:
        return _run_telegram(args, settings)
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


def _run_telegram(args: argparse.Namespace, settings: Settings) -> int:
    """The bot on Telegram, polling or behind a webhook, until stopped."""
    from telegram import Update

    from bot.app import build_application
    from bot.store import SessionStore

    logsafe.configure()
    store = SessionStore(settings.store_location,
                         Sealer(settings.encryption_key, settings.encryption_old_keys),
                         grace_seconds=settings.summary_grace_minutes * 60,
                         retention_days=settings.retention_days)
    engine = _engine(_content(args, settings), settings.require_approved)
    application = build_application(settings, engine, store)
    application.bot_data["reloader"].install_sighup()
    if settings.webhook_url:
        from bot.webhook import run_webhook

        run_webhook(application, settings)
    else:
        log.info("starting in polling mode")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Show which cards each question reaches, so reviewers can check the search."""
    engine = _engine(_content(args, settings))
    if not _known_locale(engine, args.locale):
        return 2
    questions = args.question
    if questions == ["-"]:
        questions = [line.strip() for line in sys.stdin if line.strip()]
    for question in questions:
        ranking = engine.search(question, args.locale, args.limit)
        cards = [{"id": h.card.id, "score": h.score, "source": list(h.card.source),
                  "lexical": h.score, "semantic": h.semantic} for h in ranking.hits]
        if args.json:
            print(json.dumps({"question": question, "answered": ranking.answered, "cards": cards},
                             ensure_ascii=False))
            continue
        verdict = ("answered, with a caveat (the best card covers little of the question)"
                   if ranking.tentative else "answered" if ranking.answered
                   else f"no guidance (outside the guidelines: {ranking.outside})"
                   if ranking.outside else "no guidance (below the threshold)")
        print(f"{question}\n  {verdict}")
        if ranking.near_unanswered:  # what a reviewer edits if the refusal is wrong
            print(f"  nearer to a question listed as unanswered than to any card: "
                  f"{ranking.near_unanswered}")
        if ranking.answered:  # an unanswered question shows no card: the bot shows none
            _print_hits(ranking.hits)
    return 0


def _print_hits(hits: tuple[Hit, ...]) -> None:
    """The cards in the order the bot offers them; cards with the same score are marked '='
    and the line below says how the tie was settled, so no one reads rank 1 as clearly best."""
    scores = [f"{hit.score:.3f}" for hit in hits]
    for rank, (hit, score) in enumerate(zip(hits, scores, strict=True), start=1):
        tied = "=" if scores.count(score) > 1 else "."
        print(f"  {rank}{tied} {hit.card.id}  {score}  {hit.card.title}  "
              f"[{', '.join(hit.card.source)}]")
    if len(scores) > 1 and scores[0] == scores[1]:
        print(f"  (cards marked = tie at {scores[0]}: the bot shows the first, the one whose "
              "words match the question best (bm25), and offers the others as \"Or:\" buttons)")


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    """Show reviewers which cards people found unhelpful, from the bot's database."""
    location = settings.store_location
    if not settings.database_url and not settings.database.exists():
        print(f"No feedback yet: there is no database at {settings.database} (set COACHBOT_DB "
              "or COACHBOT_DATABASE_URL to the bot's database, or run the bot on Telegram first).")
        return 0
    from bot.features.guidance.store import read_feedback  # the features import PTB

    database = open_database(location, read_only=True)
    try:
        feedback = read_feedback(database)
    finally:
        database.close()
    engine = _engine(_content(args, settings))
    print(f"Guidance feedback in {database.where} (only card ids and votes are kept, never "
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
    reads = argparse.ArgumentParser(add_help=False)
    reads.add_argument("--content", metavar="DIR", help=CONTENT_HELP)
    run = sub.add_parser("run", parents=[reads], epilog=RUN_ENVIRONMENT,
                         formatter_class=argparse.RawDescriptionHelpFormatter,
                         help="run the bot (Telegram with a token, else the terminal)")
    run.set_defaults(handler=cmd_run)
    chat = sub.add_parser("chat", parents=[reads], help="try the dialogues in this terminal")
    chat.add_argument("dialogue", nargs="?", help="a dialogue id, e.g. self_reflection")
    chat.add_argument("--summaries", metavar="DIR",
                      help="folder for summary documents (default: ./coachbot-summaries)")
    chat.add_argument("--locale", help="language to preview, e.g. es (default: en)")
    chat.add_argument("--show-ids", action="store_true",
                      help="show each step's id, file and line, and sources, to find what to edit")
    chat.set_defaults(handler=cmd_chat)
    check = sub.add_parser("check", help="check the content and report every problem")
    check.add_argument("content", nargs="?", help="content folder (default: the bot's)")
    check.add_argument("--content", dest="content_dir", metavar="DIR", help=CONTENT_HELP)
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("--review", action="store_true",
                       help="list every file not yet approved (default: one line of counts)")
    check.set_defaults(handler=cmd_check)
    ask = sub.add_parser("ask", parents=[reads], help="show which guidance cards a question reaches")
    ask.add_argument("question", nargs="+", help="one or more questions; '-' reads one a line "
                                                 "from standard input")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--locale", default=None, help="the language to search (default: en)")
    ask.add_argument("--limit", type=int, default=3, help="how many cards to list (default 3)")
    ask.set_defaults(handler=cmd_ask)
    feedback = sub.add_parser("feedback", parents=[reads], epilog=FEEDBACK_ENVIRONMENT,
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              help="show the 👍/👎 votes per guidance card and how many "
                                   "questions went unanswered")
    feedback.set_defaults(handler=cmd_feedback)
    drawing = sub.add_parser("graph", parents=[reads],
                             help="draw a dialogue's flow as a Mermaid diagram")
    drawing.add_argument("dialogue", nargs="?", help="a dialogue id, e.g. self_reflection")
    drawing.add_argument("--all", action="store_true", help="every dialogue")
    drawing.add_argument("--locale", help="language of the titles (default: en)")
    drawing.add_argument("--out", default=str(GRAPH_FOLDER), help=f"folder (default: {GRAPH_FOLDER})")
    drawing.set_defaults(handler=cmd_graph)
    studio = sub.add_parser("studio", parents=[reads],
                            help="read, play, check and edit the content in a browser")
    studio.add_argument("--port", type=int, default=0,
                        help="port on 127.0.0.1 (default: any free port)")
    studio.add_argument("--no-browser", action="store_true", help="only print the address")
    studio.set_defaults(handler=cmd_studio)
    translated = sub.add_parser("translated", parents=[reads],
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
    except BrokenPipeError:  # `coachbot chat … | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return 0
    except ContentError as error:
        print(error.problems.report(from_here(_content(args, settings))), file=sys.stderr)
        print("\nThe content has problems (listed above), so the bot did not start. "
              "Run `coachbot check` after fixing them.", file=sys.stderr)
        return 1
    except DatabaseUnusable as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
