"""Scheduled reflection prompts, pure: when a schedule is due and which prompt comes next
(`model`), and the guided /schedule setup (`setup`). No Telegram, no I/O."""
