"""Quick guidance in the engine, as every front end shows it: a typed question gets the best
card with its sources and buttons, or an honest "not covered", and nothing else is lost."""

from __future__ import annotations

import pytest

from bot.console import ConsoleCoach
from dialogues import callbacks
from dialogues.engine import Engine
from dialogues.events import Ask, ShowCard, StartDialogue, TextInput, Vote
from dialogues.guidance.index import Guidance
from dialogues.model import Library
from dialogues.outputs import Message, Notice, Tally
from tests.test_engine import Walk, ui

OFF_TOPIC = "what's the wifi password"


@pytest.fixture(scope="module")
def guided(library: Library) -> Engine:
    return Engine(library, Guidance(library))


@pytest.fixture
def chat(guided: Engine) -> Walk:
    return Walk(guided)


def card_title(engine: Engine, card_id: str) -> str:
    card = engine.guidance.card(card_id) if engine.guidance else None
    assert card is not None
    return card.title


@pytest.mark.parametrize(("question", "card_id"), [
    ("PD wants us at a sting", "sting_invitation"),
    ("the pledge", "prostitution_pledge"),
    ("do we have to pay the trainer?", "pay_the_trainer"),
    ("clent still wrking, can she stay in the program?", "client_keeps_working"),
    ("la policía nos pidió ir a un operativo", "sting_invitation"),
    ("is this guide meant for a hotline like ours?", "about_guidelines"),
    ("small team, what's the first step?", "where_to_start"),
    ("quién escribió esta guía?", "about_guidelines"),
])
def test_a_typed_question_finds_the_card_that_answers_it(chat: Walk, question: str,
                                                         card_id: str) -> None:
    """Slang, synonyms, typos, Spanish and questions about the guidelines themselves reach the
    right card (best or a runner-up)."""
    chat.type(question)
    titles = [chat.last.title, *chat.labels()]
    title = card_title(chat.engine, card_id)
    assert any(title in shown for shown in titles), titles


def test_the_answer_cites_its_sections_and_offers_next_steps(chat: Walk) -> None:
    """The card shows its answer, the cited sections with ids, and its buttons."""
    chat.type("PD wants us at a sting")
    engine = chat.engine
    assert chat.last.title == card_title(engine, "sting_invitation")
    assert "[partnerships-law-enforcement]" in chat.last.text
    assert ui(engine, "guidance_sources") in chat.last.text
    labels = chat.labels()
    partner_check = engine.library.locale("en").dialogues["partner_check"].title
    assert ui(engine, "guidance_walk_through", title=partner_check) in labels
    assert sum(label.startswith(ui(engine, "guidance_runner_up", title="")) for label in labels) == 2
    assert {ui(engine, "guidance_none"), ui(engine, "guidance_vote_up"),
            ui(engine, "guidance_vote_down")} <= set(labels)


def test_walk_me_through_it_starts_the_related_dialogue(chat: Walk) -> None:
    """The "Walk me through it" button opens the card's related dialogue."""
    chat.type("PD wants us at a sting")
    prefix = ui(chat.engine, "guidance_walk_through", title="")
    walk_label = next(label for label in chat.labels() if label.startswith(prefix))
    chat.tap(walk_label)
    assert chat.session is not None and chat.session.dialogue_id == "partner_check"


def test_a_question_the_guidelines_do_not_cover_says_so_and_is_counted(chat: Walk) -> None:
    """No card is invented: the person is told and offered the menu behind one button (not the
    whole menu again after every such answer); only a count is kept."""
    result = chat.type(OFF_TOPIC)
    assert chat.last.text == ui(chat.engine, "guidance_not_covered")
    assert [b.label for row in chat.last.buttons for b in row] == [
        ui(chat.engine, "menu_open_button")]
    assert Tally() in result.outputs


def test_a_long_question_the_best_card_only_partly_covers_is_answered_with_a_caveat(
        chat: Walk) -> None:
    """Staff type context the cards never name; the closest card is shown, saying it may not
    answer exactly this, while a question the card plainly answers gets no caveat."""
    chat.type("one of our peer advocates wants her name printed in our annual report next to her "
              "work, is that okay")
    assert chat.last.title == card_title(chat.engine, "credit_advocates")
    assert chat.last.text.startswith(ui(chat.engine, "guidance_tentative"))
    chat.type("PD wants us at a sting")
    assert ui(chat.engine, "guidance_tentative") not in chat.last.text


def test_a_runner_up_and_tell_me_more_show_that_card(chat: Walk) -> None:
    """Tapping a runner-up shows that card; "Tell me more" adds its longer text."""
    chat.type("PD wants us at a sting")
    runner_up = next(label for label in chat.labels()
                     if label.startswith(ui(chat.engine, "guidance_runner_up", title="")))
    chat.tap(runner_up)
    assert runner_up.endswith(chat.last.title)
    card = chat.engine.guidance.card("necessary_le_ties")  # type: ignore[union-attr]
    assert card is not None and card.more
    chat.send(ShowCard(card.id))
    chat.tap(ui(chat.engine, "guidance_more"))
    assert card.more in chat.last.text


def test_none_of_these_offers_the_menu_and_is_counted(chat: Walk) -> None:
    """"None of these" says sorry, shows the menu and counts an unanswered question."""
    chat.type("PD wants us at a sting")
    result = chat.tap(ui(chat.engine, "guidance_none"))
    assert chat.last.text.startswith(ui(chat.engine, "guidance_none_fit"))
    assert Tally() in result.outputs


@pytest.mark.parametrize(("label", "helpful"), [("guidance_vote_up", True),
                                                ("guidance_vote_down", False)])
def test_a_vote_thanks_and_keeps_only_card_and_vote(chat: Walk, label: str, helpful: bool) -> None:
    """👍/👎 answers with a short thank-you and a tally of the card id and the vote alone."""
    chat.type("PD wants us at a sting")
    result = chat.tap(ui(chat.engine, label))
    assert result.outputs == [Notice(ui(chat.engine, "guidance_thanks")),
                              Tally("sting_invitation", helpful)]


def test_ask_during_a_dialogue_keeps_the_dialogue_where_it_was(chat: Walk) -> None:
    """/ask mid-dialogue answers the question and leaves the session untouched."""
    chat.send(StartDialogue("self_reflection"))
    before = chat.session
    chat.send(Ask("PD wants us at a sting"))
    assert chat.session == before
    assert chat.last.title == card_title(chat.engine, "sting_invitation")


def test_text_a_dialogue_step_waits_for_is_an_answer_not_a_question(chat: Walk) -> None:
    """When a step asks for text, typed text answers the step instead of searching."""
    chat.send(StartDialogue("self_reflection"))
    chat.tap(ui(chat.engine, "button_continue"))
    chat.type("PD wants us at a sting")
    assert chat.session is not None and len(chat.session.history) == 2


def test_an_empty_ask_explains_how_to_ask(chat: Walk) -> None:
    """/ask with nothing after it shows an example instead of searching."""
    chat.send(Ask("   "))
    assert chat.last.text == ui(chat.engine, "ask_empty")


def test_a_card_button_for_a_card_that_no_longer_exists_says_so(chat: Walk) -> None:
    """A card button from before a content change is answered kindly."""
    chat.send(ShowCard("retired_card"))
    assert chat.last.text == ui(chat.engine, "guidance_unknown_card")


def test_guidance_buttons_fit_telegram_and_decode_to_their_events(chat: Walk) -> None:
    """Every guidance button fits 64 bytes and decodes to the event it stands for."""
    chat.type("PD wants us at a sting")
    data = [b.data for row in chat.last.buttons for b in row]
    assert all(len(d.encode()) <= 64 and callbacks.decode(d) is not None for d in data)
    longest = "x" * 32
    assert callbacks.decode(callbacks.vote_button(longest, False)) == Vote(longest, False)


def test_without_guidance_typed_text_still_offers_the_menu(engine: Engine) -> None:
    """An engine built without a guidance index keeps the plain menu answer."""
    result = engine.handle(None, TextInput("PD wants us at a sting"))
    assert isinstance(result.outputs[0], Message)
    assert result.outputs[0].text.startswith(ui(engine, "no_dialogue"))


def test_the_terminal_coach_answers_ask_like_telegram(guided: Engine) -> None:
    """In the terminal, /ask prints the same card and numbers its buttons."""
    lines = iter(["/ask PD wants us at a sting", "/quit"])
    shown: list[str] = []
    ConsoleCoach(guided, read=lambda _prompt: next(lines), write=shown.append).run()
    text = "\n".join(shown)
    assert card_title(guided, "sting_invitation").upper() in text
    assert f"1. {ui(guided, 'guidance_walk_through', title='')}" in text
