"""The gallery of content mistakes for `coachbot check`: each one small change to a copy of
the shipped content (file, text to find, text to put instead), named for what a reviewer did."""

from __future__ import annotations

SELF = "en/dialogues/self_reflection.yaml"
SELF_ES = "es/dialogues/self_reflection.yaml"

CASES: dict[str, tuple[str, str, str]] = {
    "an unclosed placeholder": (
        SELF, "Why you want to connect: {answer:why}", "Why you want to connect: {answer:why"),
    "a stray closing brace": (SELF, "Credit: {answer:credit}", "Credit: answer:credit}"),
    "a duplicated step id": (SELF, "  - id: who_benefits\n", "  - id: why\n"),
    "a misspelt key": (SELF, "        label: Both\n", "        lable: Both\n"),
    "a missing Spanish label": (SELF_ES, "        label: A nosotros y a la comunidad\n", ""),
    "a tab": (SELF, "    max_length: 120\n", "\tmax_length: 120\n"),
    "a Yes that YAML would read as true": (SELF, "        label: Both\n", "        label: Yes\n"),
    "an unknown section id": (
        SELF, "    source: [outreach-educate-staff]\n\n  - id: trainer_paid",
        "    source: [outreach-educat-staff]\n\n  - id: trainer_paid"),
    "a misspelt step id in next": (SELF, "    no: no_cold_call\n", "    no: no_cold_cal\n"),
    "an option without a label": (
        SELF, "      - {id: equity, label: Equity}\n", "      - {id: equity}\n"),
    "a missing summary": (SELF, "    kind: summary\n", "    kind: info\n"),
    "an unknown placeholder kind": (SELF, "{answer:credit}", "{anwser:credit}"),
}
