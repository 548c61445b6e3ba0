"""Spot identifying details in a typed answer, so they are masked before anything is stored.

The people staff talk about are among the most exposed anywhere; the coach never needs their
phone numbers, addresses, emails, social-media handles or case numbers. Detection is tuned
against ordinary answers: years ("2023"), "24/7", "7 values", section numbers ("3.2.1"),
money ("$250,000") and date ranges are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """A kind of identifying detail; the value names its wording in ui.yaml (detail_<value>)."""

    EMAIL = "email"
    SOCIAL = "social"
    PHONE = "phone"
    ADDRESS = "address"
    NUMBER = "number"


@dataclass(frozen=True)
class Detail:
    kind: Kind
    start: int
    end: int


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PROFILE = re.compile(
    r"(?:https?://)?(?:www\.)?(?:t\.me|wa\.me|facebook\.com|fb\.com|instagram\.com|twitter\.com"
    r"|x\.com|tiktok\.com|snapchat\.com|onlyfans\.com|linkedin\.com/in|reddit\.com/u(?:ser)?)"
    r"/[\w.@-]+",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_][A-Za-z0-9_.]{2,31}")
# Digits with the separators people use in phone numbers; "/" is not one (so "24/7" is safe).
_PHONE = re.compile(r"(?<![\w/.,$])\+?(?:\(\d{1,4}\)|\d)(?:[\s.-]?(?:\(\d{1,4}\)|\d)){6,16}(?![\w/%])")
_STREET = (r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl"
           r"|terrace|highway|hwy|parkway|pkwy|square|sq|calle|avenida")
_ADDRESS = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?\s+(?:(?:[A-Z][\w'-]*|\d+(?:st|nd|rd|th))\s+){{1,3}}(?i:{_STREET})\b\.?"
    r"|\b(?i:p\.?\s?o\.?\s+box)\s+\d+"
    r"|\b(?i:apt|apartment|unit|suite)\.?\s*#?\s*\d+[A-Za-z]?\b",
)
# Case, file and ID numbers: six or more digits in a row, a # followed by four or more, or a
# lettered reference ending in five or more digits ("2023-CV-001234").
_NUMBER = re.compile(
    r"(?<![\w$€£.,])\d{6,}(?![\d,.%])|#\s?\d{4,}"
    r"|\b(?:[A-Za-z0-9]+-)*[A-Za-z][A-Za-z0-9]*-\d{5,}\b"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_DATE = re.compile(r"(?:19|20)\d\d[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./](?:19|20)\d\d")

_ORDER: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (Kind.EMAIL, _EMAIL),
    (Kind.SOCIAL, _PROFILE),
    (Kind.SOCIAL, _HANDLE),
    (Kind.ADDRESS, _ADDRESS),
    (Kind.PHONE, _PHONE),
    (Kind.NUMBER, _NUMBER),
)


def find(text: str) -> list[Detail]:
    """Every identifying detail in `text`, in order, without overlaps (earlier kinds win)."""
    found: list[Detail] = []
    for kind, pattern in _ORDER:
        for match in pattern.finditer(text):
            if kind is Kind.PHONE and not _looks_like_phone(match.group()):
                continue
            if any(match.start() < d.end and d.start < match.end() for d in found):
                continue
            found.append(Detail(kind, match.start(), match.end()))
    return sorted(found, key=lambda d: d.start)


def mask(text: str, details: list[Detail], placeholder: str) -> str:
    """`text` with each detail replaced by `placeholder`; the original never leaves here."""
    out: list[str] = []
    position = 0
    for detail in details:
        out.append(text[position:detail.start])
        out.append(placeholder)
        position = detail.end
    out.append(text[position:])
    return "".join(out)


def _looks_like_phone(candidate: str) -> bool:
    """Seven or more digits, written with a + or separators (a bare run is a case number),
    that are not a year range, a date, or a run of years."""
    digits = re.sub(r"\D", "", candidate)
    if len(digits) < 7 or candidate.isdigit():
        return False
    if _DATE.fullmatch(candidate.strip()):
        return False
    groups = re.findall(r"\d+", candidate)
    return not all(_YEAR.fullmatch(g) for g in groups)
