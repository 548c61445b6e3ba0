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
        # Answers as shown in summaries
        "answer_skipped": (),
        "answer_none_ticked": (),
        "earlier_answer": ("answer",),
        "text_hint": ("limit",),
        # Summaries
        "summary_next_step": (),
        "summary_sources": (),
        "summary_done": (),
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
        "no_dialogue": (),
        "at_first_step": (),
        "nothing_to_cancel": (),
        "cancelled": (),
        "replaced_dialogue": ("title",),
        "unknown_dialogue": ("name",),
        "group_private_only": (),
        "forgotten": ("what",),
        "forgotten_nothing": (),
        "error": (),
        # Privacy: identifying details, kept answers, /mydata, /forget, /privacy, slow down
        "masked_detail": (),
        "detail_email": (),
        "detail_social": (),
        "detail_phone": (),
        "detail_address": (),
        "detail_number": (),
        "details_found": ("details", "answer"),
        "button_retype": (),
        "button_keep_masked": (),
        "button_keep_answers": (),
        "answers_kept": (),
        "data_sessions": (),
        "data_kept_answers": (),
        "mydata_intro": (),
        "mydata_nothing": (),
        "mydata_chat_record": ("when", "days"),
        "mydata_session": ("title",),
        "mydata_session_finished": ("title", "when"),
        "mydata_kept": ("title", "kept", "expires"),
        "mydata_answer": ("answer",),
        "mydata_footer": (),
        "rate_limited": (),
        "command_privacy": (),
        "command_mydata": (),
        # Command descriptions shown in Telegram's menu
        "command_start": (),
        "command_menu": (),
        "command_help": (),
        "command_back": (),
        "command_cancel": (),
        "command_forget": (),
    }.items()
}
