"""Rendering rules that keep Telegram happy: escaping and the 4,096-character limit."""

from __future__ import annotations

import html

from bot.render import split_text, to_html
from dialogues.outputs import Message


def test_long_text_is_split_at_line_breaks_within_the_limit() -> None:
    """A 10,000-character message becomes pieces of at most 4,096 escaped characters."""
    text = "\n".join(f"Line {i}: " + "word & " * 20 for i in range(80))
    pieces = to_html(Message(text, title="Title"))
    assert len(pieces) > 1
    assert all(len(p) <= 4096 for p in pieces)
    assert html.unescape("".join(pieces).replace("<b>Title</b>\n\n", "")).replace("\n", "") == \
        text.replace("\n", "")


def test_a_single_huge_line_is_cut_at_spaces_without_breaking_entities() -> None:
    """One line longer than the limit is cut between words; no '&amp;' is split."""
    pieces = split_text("a & b " * 2000, 4096)
    assert all(len(html.escape(p, quote=False)) <= 4096 for p in pieces)
    assert "".join(pieces).replace(" ", "") == ("a & b " * 2000).replace(" ", "")


def test_markup_in_titles_and_text_is_escaped() -> None:
    """Titles are bold; everything written or typed is escaped."""
    assert to_html(Message("<i>x</i>", title="A & B")) == ["<b>A &amp; B</b>\n\n&lt;i&gt;x&lt;/i&gt;"]
