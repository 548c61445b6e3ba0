"""Formatting: ``parse_mode`` handling, as Telegram's server (TDLib) does it."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError
from .records import Json
from .wire import _as_json


class _ParseError(Exception):
    """Telegram's detail text for a "can't parse entities" error."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    """UTF-8 byte offset of ``text[index]``, as Telegram reports it in parse errors."""
    return len(text[:index].encode())


class _Out:
    """Accumulates rendered plain text and tracks its UTF-16 length for entity offsets."""

    __slots__ = ("parts", "u16")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.u16 = 0

    def add(self, chunk: str) -> None:
        if chunk:
            self.parts.append(chunk)
            self.u16 += utf16_len(chunk)

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(slots=True)
class _Open:
    """An entity whose start has been seen but not its end."""

    tag: str
    start: int
    index: int
    byte_offset: int = 0
    attrs: dict[str, str] = field(default_factory=dict)


def _scan(
    text: str, out: _Out, special: Callable[[], re.Pattern[str]], step: Callable[[int], int]
) -> None:
    """The loop every parse mode shares: copy plain runs to ``out`` and let ``step`` handle each
    special character (given its index), returning where plain text resumes.  ``special`` is
    asked afresh each time because MarkdownV2 knows fewer special characters inside code."""
    i, n = 0, len(text)
    while i < n:
        found = special().search(text, i)
        if found is None:
            out.add(text[i:])
            return
        out.add(text[i : found.start()])
        i = step(found.start())


def _entity(kind: str, start: int, end: int, **extra: Any) -> Json:
    return {"type": kind, "offset": start, "length": end - start, **extra}


def _sorted_entities(entities: list[Json]) -> list[Json]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


_HTML_TYPES = {
    "a": "text_link",
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_SPECIAL = re.compile(r"[<&]")
_HTML_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_NAME = re.compile(r"[A-Za-z0-9-]*")
_HTML_ATTR_NAME = re.compile(r"[A-Za-z0-9_-]*")
_TG_USER_LINK = re.compile(r"tg://user\?id=(\d+)$")


def _html_char(match: re.Match[str]) -> str | None:
    """Decode one character reference; ``None`` means "leave the ``&`` as text"."""
    body = match.group(1)
    if body[0] != "#":
        return _HTML_NAMED.get(body)
    code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return None


def _html_unescape(value: str) -> str:
    return _HTML_CHAR_REF.sub(lambda m: _html_char(m) or m.group(0), value)


def parse_html(text: str) -> tuple[str, list[Json]]:
    """Render ``parse_mode=HTML`` into plain text and entities, or raise with Telegram's text."""
    out, stack, entities = _Out(), list[_Open](), list[Json]()
    _scan(text, out, lambda: _HTML_SPECIAL, functools.partial(_html_step, text, out, stack, entities))
    if stack:
        raise _ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.text(), _sorted_entities(entities)


def _html_step(text: str, out: _Out, stack: list[_Open], entities: list[Json], i: int) -> int:
    """Handle the ``&`` or ``<`` at ``text[i]``; returns where plain text resumes."""
    if text[i] == "&":
        return _html_char_ref(text, i, out)
    if text.startswith("</", i):
        return _html_close(text, i, out, stack, entities)
    return _html_open(text, i, out, stack)


def _html_char_ref(text: str, i: int, out: _Out) -> int:
    """Decode the character reference at ``text[i]``; an unknown one leaves a literal ``&``."""
    ref = _HTML_CHAR_REF.match(text, i)
    char = _html_char(ref) if ref else None
    if char is None or ref is None:
        out.add("&")
        return i + 1
    out.add(char)
    return ref.end()


def _unclosed_tag(text: str, tag_pos: int) -> _ParseError:
    return _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, tag_pos)}")


def _html_open(text: str, i: int, out: _Out, stack: list[_Open]) -> int:
    n, j = len(text), i + 1
    while j < n and not text[j].isspace() and text[j] != ">":
        j += 1
    if j >= n:
        raise _unclosed_tag(text, i)
    tag = text[i + 1 : j].lower()
    if tag not in _HTML_TYPES:
        raise _ParseError(f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, i)}')
    attrs, j = _html_attrs(text, j, tag, i)
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise _ParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, i)}'
        )
    stack.append(_Open(tag, out.u16, len(out.parts), _byte_offset(text, i), attrs))
    return j + 1


def _html_attrs(text: str, j: int, tag: str, tag_pos: int) -> tuple[dict[str, str], int]:
    """Parse ``name="value"`` pairs up to the closing ``>``; returns (attrs, index of ``>``)."""
    attrs: dict[str, str] = {}
    while True:
        j = _html_skip_space(text, j, tag_pos)
        if text[j] == ">":
            return attrs, j
        name_end = _HTML_ATTR_NAME.match(text, j).end()  # type: ignore[union-attr]
        name = text[j:name_end].lower()
        if not name:
            raise _ParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset '
                f"{_byte_offset(text, tag_pos)}"
            )
        j = _html_skip_space(text, name_end, tag_pos)
        if text[j] != "=":
            attrs[name] = ""
            continue
        attrs[name], j = _html_attr_value(text, _html_skip_space(text, j + 1, tag_pos), tag_pos)


def _html_skip_space(text: str, j: int, tag_pos: int) -> int:
    """The index of the next non-space character; a tag the text ends inside is unclosed."""
    n = len(text)
    while j < n and text[j].isspace():
        j += 1
    if j >= n:
        raise _unclosed_tag(text, tag_pos)
    return j


def _html_attr_value(text: str, j: int, tag_pos: int) -> tuple[str, int]:
    """A quoted or bare attribute value starting at ``text[j]``; returns (value, index after)."""
    if text[j] in "\"'":
        end = text.find(text[j], j + 1)
        if end < 0:
            raise _unclosed_tag(text, tag_pos)
        return _html_unescape(text[j + 1 : end]), end + 1
    end, n = j, len(text)
    while end < n and not text[end].isspace() and text[end] != ">":
        end += 1
    return _html_unescape(text[j:end]), end


def _html_close(
    text: str, i: int, out: _Out, stack: list[_Open], entities: list[Json]
) -> int:
    if not stack:
        raise _ParseError(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
    j = _HTML_NAME.match(text, i + 2).end()  # type: ignore[union-attr]
    tag = text[i + 2 : j].lower()
    if j >= len(text) or text[j] != ">":
        raise _ParseError(f"Unclosed end tag at byte offset {_byte_offset(text, i)}")
    top = stack[-1]
    if tag and tag != top.tag:
        raise _ParseError(
            f'Unmatched end tag at byte offset {_byte_offset(text, i)}, '
            f'expected "</{top.tag}>", found "</{tag}>"'
        )
    stack.pop()
    entity = _html_entity(top, out.u16, stack)
    if entity is not None:
        entities.append(entity)
    return j + 1


def _html_entity(top: _Open, end: int, stack: list[_Open]) -> Json | None:
    """The entity a closed tag produces (``None`` for empty or merged ones)."""
    if end <= top.start:
        return None
    kind, attrs = _HTML_TYPES[top.tag], top.attrs
    if top.tag == "a":
        return _link_entity(attrs.get("href", ""), top.start, end)
    if top.tag == "code":
        language = attrs.get("class", "")
        if language.startswith("language-") and stack and stack[-1].tag == "pre":
            stack[-1].attrs["language"] = language.removeprefix("language-")
            return None
    if top.tag == "pre" and attrs.get("language"):
        return _entity("pre", top.start, end, language=attrs["language"])
    if top.tag == "blockquote" and "expandable" in attrs:
        kind = "expandable_blockquote"
    if top.tag == "tg-emoji":
        return _entity(kind, top.start, end, custom_emoji_id=attrs.get("emoji-id", ""))
    return _entity(kind, top.start, end)


def _link_entity(url: str, start: int, end: int) -> Json | None:
    """A text_link (or text_mention for ``tg://user?id=``); invalid URLs are dropped."""
    url = url.strip()
    mention = _TG_USER_LINK.match(url)
    if mention:
        user = {"id": int(mention.group(1)), "is_bot": False, "first_name": ""}
        return _entity("text_mention", start, end, user=user)
    if not url or any(ch.isspace() for ch in url):
        return None
    if "://" not in url:
        url = f"http://{url}"
    return _entity("text_link", start, end, url=url)


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_SPECIAL = re.compile(r"[\\_*\[\]()~`>#+\-=|{}.!\n]")
_MDV2_CODE_SPECIAL = re.compile(r"[\\`]")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _reserved(char: str) -> _ParseError:
    return _ParseError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def parse_markdown_v2(text: str) -> tuple[str, list[Json]]:
    """Render ``parse_mode=MarkdownV2`` into plain text and entities, or raise like Telegram."""
    out, stack, entities = _Out(), list[_Open](), list[Json]()
    quote: list[int] = []  # start offset of an open ">" block quote
    step = functools.partial(_mdv2_step, text, out, stack, entities, quote)
    _scan(text, out, lambda: _MDV2_CODE_SPECIAL if _in_code(stack) else _MDV2_SPECIAL, step)
    if stack:
        top = stack[-1]
        raise _ParseError(
            f"Can't find end of {_MDV2_NAMES[top.tag]} entity at byte offset {top.byte_offset}"
        )
    if quote and out.u16 > quote[0]:
        entities.append(_entity("blockquote", quote[0], out.u16))
    return out.text(), _sorted_entities(entities)


def _in_code(stack: list[_Open]) -> bool:
    """Inside code only ``\\`` and the backtick are special."""
    return bool(stack) and stack[-1].tag in ("code", "pre")


def _mdv2_step(
    text: str, out: _Out, stack: list[_Open], entities: list[Json], quote: list[int], i: int
) -> int:
    """Handle the special character at ``text[i]``; returns where plain text resumes."""
    char = text[i]
    if char == "\\":
        escaped = _mdv2_escaped(text, i)
        out.add(text[i + 1] if escaped else char)
        return i + (2 if escaped else 1)
    if char == "\n":
        _mdv2_newline(text, i, out, quote, entities)
        return i + 1
    if char == ">" and (i == 0 or text[i - 1] == "\n"):
        if not quote:
            quote.append(out.u16)
        return i + 1
    if stack and _mdv2_is_end(stack[-1].tag, text, i):
        return _mdv2_close(text, i, out, stack, entities)
    return _mdv2_open(text, i, out, stack)


def _mdv2_escaped(text: str, i: int) -> bool:
    """Whether the backslash at ``text[i]`` escapes the next character (any ASCII one)."""
    return i + 1 < len(text) and 0 < ord(text[i + 1]) <= 126


def _mdv2_newline(text: str, i: int, out: _Out, quote: list[int], entities: list[Json]) -> None:
    """A newline ends an open block quote unless the next line continues it."""
    if quote and not text.startswith(">", i + 1):
        if out.u16 > quote[0]:
            entities.append(_entity("blockquote", quote[0], out.u16))
        quote.clear()
    out.add("\n")


def _mdv2_is_end(tag: str, text: str, i: int) -> bool:
    char, following = text[i], text[i + 1 : i + 2]
    ends = {
        "bold": char == "*",
        "italic": char == "_" and following != "_",
        "underline": char == "_" and following == "_",
        "strikethrough": char == "~",
        "spoiler": char == "|" and following == "|",
        "code": char == "`",
        "pre": text.startswith("```", i),
        "text_link": char == "]",
        "custom_emoji": char == "]",
    }
    return ends[tag]


def _mdv2_open(text: str, i: int, out: _Out, stack: list[_Open]) -> int:
    char, following = text[i], text[i + 1 : i + 2]
    start_byte = _byte_offset(text, i)
    language = ""
    if char == "_":
        tag, i = ("underline", i + 2) if following == "_" else ("italic", i + 1)
    elif char in "*~[":
        tag, i = {"*": "bold", "~": "strikethrough", "[": "text_link"}[char], i + 1
    elif char == "|" and following == "|":
        tag, i = "spoiler", i + 2
    elif char == "!" and following == "[":
        tag, i = "custom_emoji", i + 2
    elif char == "`" and text.startswith("```", i):
        tag = "pre"
        language, i = _pre_language(text, i + 3)
    elif char == "`":
        tag, i = "code", i + 1
    else:
        raise _reserved(char)
    attrs = {"language": language} if language else {}
    stack.append(_Open(tag, out.u16, len(out.parts), start_byte, attrs))
    return i


def _pre_language(text: str, i: int) -> tuple[str, int]:
    """Read the optional language after an opening fence and skip one newline."""
    n, end = len(text), i
    while end < n and not text[end].isspace() and text[end] != "`":
        end += 1
    language = ""
    if end != i and end < n and text[end] != "`":
        language, i = text[i:end], end
    if i < n and text[i] in "\r\n":
        pair = text[i : i + 2]
        i += 2 if len(pair) == 2 and pair[1] in "\r\n" and pair[0] != pair[1] else 1
    return language, i


def _mdv2_close(
    text: str, i: int, out: _Out, stack: list[_Open], entities: list[Json]
) -> int:
    top = stack.pop()
    extra: Json = {}
    if top.tag in ("underline", "spoiler"):
        i += 2
    elif top.tag == "pre":
        i += 3
        if top.attrs.get("language"):
            extra["language"] = top.attrs["language"]
    elif top.tag in ("text_link", "custom_emoji"):
        url, i = _mdv2_url(text, i, "".join(out.parts[top.index :]))
        if out.u16 > top.start and top.tag == "text_link":
            link = _link_entity(url, top.start, out.u16)
            if link is not None:
                entities.append(link)
        elif out.u16 > top.start:
            emoji_id = url.rpartition("id=")[2]
            entities.append(_entity("custom_emoji", top.start, out.u16, custom_emoji_id=emoji_id))
        return i
    else:
        i += 1
    if out.u16 > top.start:
        entities.append(_entity(top.tag, top.start, out.u16, **extra))
    return i


def _mdv2_url(text: str, i: int, label: str) -> tuple[str, int]:
    """Read ``(url)`` after ``]`` at ``text[i]``; without it the label itself is the URL."""
    n = len(text)
    if not text.startswith("(", i + 1):
        return label, i + 1
    i += 2
    begin, chars = i, []
    while i < n and text[i] != ")":
        if text[i] == "\\" and _mdv2_escaped(text, i):
            chars.append(text[i + 1])
            i += 2
            continue
        chars.append(text[i])
        i += 1
    if i >= n:
        raise _ParseError(f"Can't find end of a URL at byte offset {_byte_offset(text, begin)}")
    return "".join(chars), i + 1


_MD_SPECIAL = re.compile(r"[\\_*`\[]")


def parse_markdown(text: str) -> tuple[str, list[Json]]:
    """Render legacy ``parse_mode=Markdown`` into plain text and entities."""
    out, entities = _Out(), list[Json]()
    _scan(text, out, lambda: _MD_SPECIAL, functools.partial(_md_step, text, out, entities))
    return out.text(), _sorted_entities(entities)


def _md_step(text: str, out: _Out, entities: list[Json], i: int) -> int:
    """Handle the special character at ``text[i]``; returns where plain text resumes."""
    if text[i] == "\\":
        escaped = text[i + 1 : i + 2] in ("_", "*", "`", "[")
        out.add(text[i + 1] if escaped else "\\")
        return i + (2 if escaped else 1)
    return _md_entity(text, i, out, entities)


def _md_entity(text: str, i: int, out: _Out, entities: list[Json]) -> int:
    """Parse one legacy-Markdown entity starting at ``text[i]``; returns the index after it."""
    n, char, begin = len(text), text[i], i
    end_char = "]" if char == "[" else char
    i += 1
    is_pre, language = False, ""
    if char == "`" and text.startswith("``", i):
        is_pre = True
        language, i = _pre_language(text, i + 2)
    start, index = out.u16, len(out.parts)
    while i < n and (text[i] != end_char or (is_pre and not text.startswith("```", i))):
        out.add(text[i])
        i += 1
    if i >= n:
        raise _ParseError(
            f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
        )
    if char == "[":
        url = "".join(out.parts[index:])
        if text.startswith("(", i + 1):
            close = text.find(")", i + 2)
            close = n if close < 0 else close
            url, i = text[i + 2 : close], close
        link = _link_entity(url, start, out.u16) if out.u16 > start else None
        if link is not None:
            entities.append(link)
        return i + 1
    if out.u16 > start:
        if is_pre:
            extra = {"language": language} if language else {}
            entities.append(_entity("pre", start, out.u16, **extra))
        else:
            kind = {"_": "italic", "*": "bold", "`": "code"}[char]
            entities.append(_entity(kind, start, out.u16))
    return i + (3 if is_pre else 1)


_PARSERS: dict[str, Callable[[str], tuple[str, list[Json]]]] = {
    "html": parse_html,
    "markdown": parse_markdown,
    "markdownv2": parse_markdown_v2,
}


def render_text(text: str, parse_mode: Any = None, entities: Any = None) -> tuple[str, list[Json]]:
    """What the user sees: plain text plus entities, trimmed like Telegram trims messages.

    Explicit ``entities`` win over ``parse_mode``, as in the Bot API.
    """
    if entities:
        plain, found = text, list(_as_json(entities))
    elif parse_mode:
        parser = _PARSERS.get(str(parse_mode).lower())
        if parser is None:
            raise ApiError(400, "Bad Request: unsupported parse_mode")
        try:
            plain, found = parser(text)
        except _ParseError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    else:
        plain, found = text, []
    return _trim(plain, found)


def _trim(plain: str, entities: list[Json]) -> tuple[str, list[Json]]:
    """Strip surrounding whitespace and clip entities to what remains."""
    stripped = plain.strip()
    if stripped == plain:
        return plain, entities
    lead = utf16_len(plain[: len(plain) - len(plain.lstrip())])
    size = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept
