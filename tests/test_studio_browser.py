"""The studio in a real browser: Debian's headless Chromium driven by selenium.

Skipped, with the reason, only where chromium or chromedriver is not installed (`.ci/run`
installs both). Screenshots for people to look at go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.studio import Running, changed_lines, content_copy, serve

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if not (CHROMIUM and DRIVER):
    pytest.skip("the studio's browser tests need Debian's chromium and chromium-driver "
                "(apt-get install -y chromium chromium-driver)", allow_module_level=True)

from selenium import webdriver  # noqa: E402 - only once the browser is known to be there
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WEEKLY = "dialogues/weekly_reflection.yaml"


def browser(width: int, height: int) -> WebDriver:
    """Headless Chromium showing pages `width` CSS pixels wide (a phone's too: headless windows
    have a minimum width, so the screen size is emulated)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    return driver


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with serve(content_copy(tmp_path)) as studio:
        yield studio


@pytest.fixture
def page(running: Running) -> Iterator[WebDriver]:
    driver = browser(1400, 1000)
    driver.get(running.server.url)
    wait(driver).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"))
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver: WebDriver, seconds: float = 20) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def open_entry(driver: WebDriver, entry: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f'[data-entry="{entry}"]').click()
    wait(driver).until(lambda d: d.find_elements(By.ID, "rows"))


def text_row(driver: WebDriver, path: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f'li.text-row[data-path="{path}"]')


def test_without_the_token_the_page_is_refused(running: Running) -> None:
    driver = browser(800, 600)
    try:
        driver.get(f"{running.base}/")
        assert "403" in driver.find_element(By.TAG_NAME, "body").text
        assert "token" in driver.find_element(By.TAG_NAME, "body").text
    finally:
        driver.quit()


def test_play_a_dialogue_to_its_summary_by_clicking_buttons(page: WebDriver) -> None:
    open_entry(page, WEEKLY)
    page.find_element(By.ID, "play-start").click()
    chat = page.find_element(By.ID, "chat")
    for _ in range(30):
        wait(page).until(lambda d: chat.get_attribute("data-finished"))
        if chat.get_attribute("data-finished") == "yes":
            break
        keys = [b for b in chat.find_elements(By.CSS_SELECTOR, ".bubble.bot .keys button")
                if b.text not in ("◂ Back", "Skip")]
        before = len(chat.find_elements(By.CSS_SELECTOR, ".bubble"))
        if keys:
            done = [b for b in keys if "Done" in b.text]
            (done or keys)[0].click()
        else:
            page.find_element(By.ID, "reply-input").send_keys("We talked it over as a team.")
            page.find_element(By.CSS_SELECTOR, "#reply-form button[type=submit]").click()
        wait(page).until(lambda d, seen=before: len(chat.find_elements(By.CSS_SELECTOR, ".bubble")) > seen)
    assert chat.get_attribute("data-finished") == "yes"
    assert "Your weekly reflection" in chat.text
    document = next(b for b in chat.find_elements(By.CSS_SELECTOR, ".keys button")
                    if "document" in b.text.lower())
    document.click()
    wait(page).until(lambda d: chat.find_elements(By.CSS_SELECTOR, ".bubble.document"))
    assert "weekly_reflection-" in chat.find_element(By.CSS_SELECTOR, ".bubble.document").text


def _edit(page: WebDriver, path: str, text: str) -> WebElement:
    row = text_row(page, path)
    row.find_element(By.CSS_SELECTOR, '.side[data-locale="en"] button.edit').click()
    area = row.find_element(By.TAG_NAME, "textarea")
    area.clear()
    area.send_keys(text)
    row.find_element(By.CSS_SELECTOR, "form.editor button[type=submit]").click()
    return row


def test_an_edit_that_would_break_content_is_refused_and_the_page_says_why(
        page: WebDriver, running: Running) -> None:
    file = running.root / "en" / "dialogues" / "weekly_reflection.yaml"
    before = file.read_text(encoding="utf-8")
    open_entry(page, WEEKLY)
    row = _edit(page, "steps/area/text", "Which prostitutes did we meet this week?")
    refusal = wait(page).until(lambda d: row.find_element(By.CSS_SELECTOR, ".refusal"))
    assert "Not saved" in refusal.text and "'prostitutes'" in refusal.text
    assert file.read_text(encoding="utf-8") == before


def test_a_saved_edit_is_one_line_and_its_spanish_is_flagged_stale(
        page: WebDriver, running: Running) -> None:
    file = running.root / "en" / "dialogues" / "weekly_reflection.yaml"
    before = file.read_text(encoding="utf-8")
    open_entry(page, WEEKLY)
    _edit(page, "steps/area/text", "Which part of our work did this week touch the most?")
    wait(page).until(lambda d: "Saved." in d.find_element(By.ID, "status").text)
    after = file.read_text(encoding="utf-8")
    assert len(changed_lines(before, after)) == 1
    assert [x for x in after.splitlines() if x.lstrip().startswith("#")] == \
        [x for x in before.splitlines() if x.lstrip().startswith("#")]
    spanish = wait(page).until(lambda d: text_row(d, "steps/area/text").find_element(
        By.CSS_SELECTOR, '.side[data-locale="es"] .state'))
    assert "stale" in spanish.text
    assert "changed after it was translated" in text_row(page, "steps/area/text").text


def test_every_control_has_a_label_and_the_page_fits_a_phone(running: Running) -> None:
    """Desktop and a 390-px phone: ask a question, try a dialogue from a step, then look."""
    ARTIFACTS.mkdir(exist_ok=True)
    for name, (width, height) in {"studio": (1400, 1000), "studio-phone": (390, 844)}.items():
        driver = browser(width, height)
        try:
            driver.get(running.server.url)
            wait(driver).until(lambda d: d.find_element(By.TAG_NAME, "body")
                               .get_attribute("data-ready"))
            driver.find_element(By.ID, "ask-input").send_keys("PD wants us at a sting")
            driver.find_element(By.CSS_SELECTOR, "#ask-form button").click()
            wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#ask-results .card"))
            open_entry(driver, WEEKLY)
            driver.find_element(By.CSS_SELECTOR, '#step-area button.try').click()
            wait(driver).until(lambda d: "Which part of our work" in d.find_element(By.ID, "chat").text)
            unlabelled = driver.execute_script("""
                return [...document.querySelectorAll('input, select, textarea, button')]
                  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                               && !e.textContent.trim()).map(e => e.outerHTML);""")
            assert unlabelled == []
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{overflow} px wider than a {width}-px screen"
            driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
        finally:
            driver.quit()
    assert (ARTIFACTS / "studio.png").stat().st_size > 10_000


@pytest.mark.parametrize(("question", "verdict"), [
    ("Our immigration attorney needs the detective to sign certification for a client's T visa. "
     "The board wants us to stop working with the police department after community "
     "complaints. Can we keep some ties with law enforcement without hurting the community's "
     "trust?", "Answered, led by a line saying the part about a listed topic "
               "(immigration_relief) is for a specialist."),
    ("how do we apply for a T visa", "Not answered: outside the guidelines (immigration_relief)."),
])
def test_asking_says_whether_the_bot_would_answer_a_question_naming_a_listed_topic(
        page: WebDriver, question: str, verdict: str) -> None:
    """A long situation naming a T visa in passing is answered; a question about it is not."""
    assert _asked(page, question) == verdict


def test_a_refusal_near_a_listed_unanswered_question_names_it_and_where_it_is(
        page: WebDriver) -> None:
    """So a reviewer who finds the refusal wrong knows which line to reword or remove."""
    verdict = _asked(page, "what is a good curfew policy for a shelter")
    assert verdict.startswith("Not answered: no card covers enough of the question. It is "
                              "nearer to a question listed as unanswered than to any card: \"")
    assert "(content/en/unanswered.yaml:" in verdict and verdict.endswith(").")


def _asked(page: WebDriver, question: str) -> str:
    """The verdict the studio's ask box shows for `question`."""
    page.find_element(By.ID, "ask-input").clear()
    page.find_element(By.ID, "ask-input").send_keys(question)
    page.find_element(By.CSS_SELECTOR, "#ask-form button").click()
    wait(page).until(lambda d: d.find_element(By.ID, "ask-results").text.strip())
    return page.find_element(By.CSS_SELECTOR, "#ask-results p").text


def test_the_keyboard_reaches_a_dialogue_and_plays_it(page: WebDriver) -> None:
    from selenium.webdriver.common.keys import Keys

    entry = page.find_element(By.CSS_SELECTOR, f'[data-entry="{WEEKLY}"]')
    entry.send_keys(Keys.ENTER)
    wait(page).until(lambda d: d.find_elements(By.ID, "play-start"))
    page.find_element(By.ID, "play-start").send_keys(Keys.ENTER)
    wait(page).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".bubble.bot .keys button"))
    focused = page.switch_to.active_element
    assert focused.text == "Continue ▸"
    focused.send_keys(Keys.ENTER)
    wait(page).until(lambda d: "Which part of our work" in d.find_element(By.ID, "chat").text)
