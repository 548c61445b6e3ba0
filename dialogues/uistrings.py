"""The interface strings every locale's ``ui.yaml`` must define, with the fields each may use.

Listing them here lets the loader tell a reviewer, before the bot starts, that a message is
missing or that ``{limt}`` is not a field this message can fill in.
"""

from __future__ import annotations

UI_FIELDS: dict[str, frozenset[str]] = {
    key: frozenset(fields)
    for key, fields in {
        # Start, menu, help
        "intro": (),
        "privacy_notice": (),
        "menu_prompt": (),
        "menu_group_frontline": (),
        "menu_group_leadership": (),
        "menu_entry": ("title", "duration", "description"),
        "resume_button": ("title",),
        "help": (),
        # Buttons
        "button_continue": (),
        "button_skip": (),
        "button_done": (),
        "button_back": (),
        "button_yes": (),
        "button_no": (),
        "button_menu": (),
        "button_start_again": (),
        "button_open_private": (),
        "tick_on": (),
        "tick_off": (),
        # Reviewers: languages, live reload, content that changed under a session
        "language_name": (),
        "language_prompt": (),
        "language_set": (),
        "command_language": (),
        "reload_done": ("version", "warnings"),
        "reload_failed": ("count", "problems"),
        "content_moved": (),
        "content_restarted": (),
        "content_gone": (),
        # Answers as shown in summaries
        "answer_skipped": (),
        "answer_none_ticked": (),
        "earlier_answer": ("answer",),
        "text_hint": ("limit",),
        # Summaries
        "summary_next_step": (),
        "summary_sources": (),
        "summary_done": (),
        # Exercises: repeats, tables, grids and documents
        "button_document": (),
        "document_intro": ("dialogue", "date"),
        "document_caption": ("title", "date"),
        "document_saved": ("path",),
        "repeat_limit": ("most",),
        "table_row": ("row", "cells"),
        "table_cell": ("column", "answer"),
        "grid_line": ("column", "answer"),
        # Problems and navigation
        "use_buttons": (),
        "empty_text": (),
        "too_long": ("length", "limit"),
        "min_ticks": ("min",),
        "stale_button": (),
        "unusable_button": (),
        "unknown_command": ("command",),
        "unsupported_message": (),
        "edited_message": (),
        "console_hint": (),
        "console_no_button": ("number", "count"),
        "console_telegram_only": (),
        "no_dialogue": (),
        "at_first_step": (),
        "nothing_to_cancel": (),
        "cancelled": (),
        "replaced_dialogue": ("title",),
        "unknown_dialogue": ("name",),
        "group_private_only": (),
        "forgotten": ("what",),
        "forgotten_nothing": (),
        "forgotten_session": (),
        "error": (),
        # Command descriptions shown in Telegram's menu
        "command_start": (),
        "command_menu": (),
        "command_help": (),
        "command_back": (),
        "command_cancel": (),
        "command_forget": (),
        # Quick guidance
        "command_ask": (),
        "ask_empty": (),
        "guidance_sources": (),
        "guidance_helpful": (),
        "guidance_walk_through": ("title",),
        "guidance_more": (),
        "guidance_runner_up": ("title",),
        "guidance_none": (),
        "guidance_vote_up": (),
        "guidance_vote_down": (),
        "guidance_thanks": (),
        "guidance_not_covered": (),
        "guidance_none_fit": (),
        "guidance_unknown_card": (),
    }.items()
}
