"""The studio's server and actions over HTTP: token, play, ask, save (refused and written),
translations, review. The same page in a real browser is tested in test_studio_browser.py."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.content import load_content
from bot.studio.diagram import svg
from bot.studio.state import Studio
from dialogues.model import Library
from tests.support.studio import Running, changed_lines, content_copy, serve

WEEKLY = "dialogues/weekly_reflection.yaml"
QUESTION = "Which part of our work did this week touch most?"


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with serve(content_copy(tmp_path)) as studio:
        yield studio


def test_requests_without_the_token_are_refused(running: Running) -> None:
    assert running.call("/", token="")[0] == 403
    assert running.call("/api/overview", token="wrong")[0] == 403
    assert running.call("/api/play", {"action": "start"}, token="")[0] == 403
    status, page = running.call("/")
    assert status == 200 and "Re-Center Coach studio" in page


def test_the_cookie_of_the_first_visit_opens_the_rest_and_other_host_names_are_refused(
        running: Running) -> None:
    port = running.server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", f"/?token={running.server.token}")
    response = connection.getresponse()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    response.read()
    connection.request("GET", "/api/overview", headers={"Cookie": cookie})
    overview = connection.getresponse()
    assert overview.status == 200
    overview.read()
    connection.request("GET", f"/?token={running.server.token}",
                       headers={"Host": f"attacker.example:{port}"})
    assert connection.getresponse().status == 403
    connection.close()


def test_browse_lists_menu_groups_with_files_lines_and_section_titles(running: Running) -> None:
    _, overview = running.call("/api/overview")
    titles = [group["title"] for group in overview["groups"]]
    assert titles[:2] == ["For frontline staff", "For leadership teams"]
    assert {"Guidance cards", "Scheduled prompts", "Interface strings and notices"} <= set(titles)
    assert overview["errors"] == 0 and overview["warnings"] == 0
    _, page = running.call(f"/api/page?id={WEEKLY}")
    area = next(r for r in page["rows"] if r["type"] == "item" and r["id"] == "area")
    assert area["line"] > 0 and area["kind"] == "choice" and area["step"] == "area"
    assert all(s["title"] for s in area["sources"])
    assert page["diagram"].startswith("<svg") and 'data-step="area"' in page["diagram"]


def test_a_dialogue_plays_from_any_step_to_its_summary_and_document(running: Running) -> None:
    request = {"tab": "t1", "action": "from", "dialogue": "weekly_reflection", "step": "area"}
    status, shown = running.call("/api/play", request)
    assert status == 200 and shown["outputs"][0]["text"] == QUESTION
    for _ in range(30):
        if shown["at"]["finished"]:
            break
        buttons = [b for row in shown["outputs"][-1]["buttons"] for b in row
                   if b["label"] not in ("◂ Back", "Skip")]
        if buttons:
            done = [b for b in buttons if "Done" in b["label"]]
            shown = running.call("/api/play", {"tab": "t1", "action": "press",
                                               "data": (done or buttons)[0]["data"]})[1]
        else:
            shown = running.call("/api/play", {"tab": "t1", "action": "text",
                                               "text": "Talked it over with the team."})[1]
    assert shown["at"]["finished"]
    document = next(b for row in shown["outputs"][-1]["buttons"] for b in row
                    if "document" in b["label"].lower())
    _, sent = running.call("/api/play", {"tab": "t1", "action": "press", "data": document["data"]})
    assert sent["outputs"][0]["type"] == "document"
    assert sent["outputs"][0]["filename"].startswith("weekly_reflection-")


def test_spanish_plays_through_the_same_engine(running: Running) -> None:
    _, shown = running.call("/api/play", {"tab": "t2", "action": "start",
                                          "dialogue": "weekly_reflection", "locale": "es"})
    assert shown["outputs"][0]["title"] == "Reflexión semanal"


def test_ask_shows_the_cards_with_scores(running: Running) -> None:
    _, found = running.call("/api/ask", {"question": "PD wants us at a sting"})
    assert found["answered"] and found["cards"][0]["id"] == "sting_invitation"
    assert 0 < found["cards"][0]["score"] <= 1


def _save(running: Running, text: str, locale: str = "en", path: str = "steps/area/text",
          was: str = QUESTION, entry: str = WEEKLY) -> tuple[int, dict]:
    return running.call("/api/save", {"locale": locale, "id": entry, "path": path,
                                      "was": was, "text": text})


def test_an_edit_that_would_break_content_is_refused_and_nothing_is_written(
        running: Running) -> None:
    file = running.root / "en" / "dialogues" / "weekly_reflection.yaml"
    before = file.read_text(encoding="utf-8")
    status, refused = _save(running, "Which prostitutes did we meet this week?")
    assert status == 422 and "prostitutes" in refused["problems"][0]["text"]
    status, refused = _save(running, "")
    assert status == 422 and refused["problems"]
    ui = running.root / "en" / "ui.yaml"
    ui_before = ui.read_text(encoding="utf-8")
    status, refused = _save(running, "Continue: {titel}", path="resume_button",
                            was="↩ Continue: {title}", entry="ui.yaml")
    assert status == 422 and "'{titel}' is not a field" in refused["problems"][0]["text"]
    assert file.read_text(encoding="utf-8") == before
    assert ui.read_text(encoding="utf-8") == ui_before


def test_a_saved_edit_changes_one_line_keeps_comments_and_is_played_at_once(
        running: Running) -> None:
    file = running.root / "en" / "dialogues" / "weekly_reflection.yaml"
    before = file.read_text(encoding="utf-8")
    status, saved = _save(running, "Which part of our work did this week touch the most?")
    assert status == 200 and saved["ok"], saved
    after = file.read_text(encoding="utf-8")
    assert changed_lines(before, after) == [
        (f"    text: {QUESTION}",
         "    text: Which part of our work did this week touch the most?")]
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in before.splitlines() if line.lstrip().startswith("#")]
    _, shown = running.call("/api/play", {"tab": "t3", "action": "from",
                                          "dialogue": "weekly_reflection", "step": "area"})
    assert shown["outputs"][0]["text"] == "Which part of our work did this week touch the most?"
    reloaded, problems = load_content(running.root, require_approved=False)  # what /reload does
    assert reloaded is not None and not problems.errors  # the Spanish is stale: a warning
    assert reloaded.locale("en").dialogues["weekly_reflection"].steps["area"].text == \
        "Which part of our work did this week touch the most?"


def test_try_from_the_summary_shows_it_as_the_bot_sends_it(running: Running) -> None:
    _, shown = running.call("/api/play", {"tab": "t4", "action": "from",
                                          "dialogue": "weekly_reflection", "step": "summary"})
    assert shown["at"]["finished"]
    assert shown["outputs"][0]["title"] == "Your weekly reflection"
    labels = [b["label"] for row in shown["outputs"][0]["buttons"] for b in row]
    assert any("document" in label.lower() for label in labels)


def test_a_changed_english_text_flags_its_spanish_as_stale_until_recorded(
        running: Running) -> None:
    status, saved = _save(running, "Which part of our work did this week touch the most?")
    assert status == 200
    assert any("changed after it was translated" in p["message"] for p in saved["elsewhere"])
    _, page = running.call(f"/api/page?id={WEEKLY}")
    row = next(r for r in page["rows"] if r.get("path") == "steps/area/text")
    assert row["translations"]["es"]["status"] == "stale"
    assert any(p["locale"] == "es" and "changed after it was translated" in p["message"]
               for p in row["problems"])
    status, recorded = running.call("/api/translated", {"locale": "es", "id": WEEKLY})
    assert status == 200 and recorded["ok"]
    _, page = running.call(f"/api/page?id={WEEKLY}")
    row = next(r for r in page["rows"] if r.get("path") == "steps/area/text")
    assert row["translations"]["es"]["status"] == "current"


def test_review_status_is_written_to_the_files_review_block(running: Running) -> None:
    file = running.root / "es" / "dialogues" / "weekly_reflection.yaml"
    before = file.read_text(encoding="utf-8")
    status, refused = running.call("/api/review", {"locale": "es", "id": WEEKLY,
                                                   "status": "approved", "by": "", "date": ""})
    assert status == 422 and "needs 'by:'" in refused["problems"][0]["text"]
    status, _ = running.call("/api/review", {"locale": "es", "id": WEEKLY, "status": "approved",
                                             "by": "Review panel", "date": "2026-12-01"})
    assert status == 200
    changed = changed_lines(before, file.read_text(encoding="utf-8"))
    assert len(changed) == 1 and "status: approved, by: Review panel" in changed[0][1]
    _, page = running.call(f"/api/page?id={WEEKLY}")
    assert page["files"]["es"]["status"] == "approved"


def test_paths_outside_the_content_are_refused(running: Running) -> None:
    assert running.call("/api/page?id=../../etc/passwd")[0] == 404
    status, refused = running.call("/api/save", {"locale": "..", "id": "x.yaml", "path": "a",
                                                 "was": "", "text": "b"})
    assert status == 422 and "not a content file" in refused["reason"]
    assert running.call("/static/../server.py")[0] == 404


def test_python_m_bot_studio_prints_its_address_and_refuses_requests_without_the_token(
        tmp_path: Path) -> None:
    """The real command, as a reviewer starts it: one line with the address, 127.0.0.1 only."""
    root = content_copy(tmp_path)
    environment = {**os.environ, "COACHBOT_CONTENT": str(root)}
    process = subprocess.Popen([sys.executable, "-m", "bot", "studio", "--no-browser"],
                               stdout=subprocess.PIPE, text=True, env=environment)
    try:
        assert process.stdout is not None
        address = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", process.stdout.readline())
        assert address is not None
        port, token = address.groups()
        plain = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
        plain.request("GET", "/")
        assert plain.getresponse().status == 403
        plain.close()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?token={token}", timeout=10) as page:
            assert page.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    assert process.returncode == 0


def test_a_block_text_keeps_its_block_style_and_only_the_changed_line_differs(
        tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    file = root / "en" / "dialogues" / "weekly_reflection.yaml"
    before = file.read_text(encoding="utf-8")
    studio = Studio(root)
    intro = studio.library.locale("en").dialogues["weekly_reflection"].steps["intro"].text
    edited = intro.replace("Please don't type names", "Please do not type names")
    studio.save_text({"locale": "en", "id": WEEKLY, "path": "steps/intro/text", "was": intro,
                      "text": edited})
    assert changed_lines(before, file.read_text(encoding="utf-8")) == [(
        "      Please don't type names or any details that could identify a client.",
        "      Please do not type names or any details that could identify a client.")]


def test_the_flow_diagram_draws_every_step_and_move_back_up_as_dashed(library: Library) -> None:
    dialogue = library.locale("en").dialogues["funding_audit"]
    drawn = svg(dialogue)
    assert all(f'data-step="{step}"' in drawn for step in dialogue.steps)
    moves = {(s.id, t) for s in dialogue.steps.values() for t in s.targets().values()}
    assert drawn.count('<g class="edge') == len(moves)
    assert '<g class="edge back">' in drawn  # "add another funder?" goes back to the first question
    assert drawn.startswith("<svg") and 'role="img"' in drawn and "<title" in drawn
