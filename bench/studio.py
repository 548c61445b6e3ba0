"""Benchmark: the studio's page load and save-and-check on the shipped content.

On a copy of `content/`, with the studio serving on 127.0.0.1. Medians of several runs:

- server side: the page, its script and style, the overview and one dialogue's page (the
  requests a first visit makes), timed over loopback HTTP;
- full page in headless Chromium (when chromium and chromedriver are installed): from
  navigation until the page has drawn the menu (`data-ready`);
- save-and-check: one English sentence changed, checked as `coachbot check --strict` on a copy
  and written; alternately two wordings, so every run really changes the file.

    .venv/bin/python -m bench.studio            # 7 runs each
    .venv/bin/python -m bench.studio --runs 3   # a quick look
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from tests.support.studio import Running, content_copy, serve

FIRST_VISIT = ("/", "/static/studio.js", "/static/studio.css", "/api/overview",
               "/api/page?id=dialogues/weekly_reflection.yaml")
WORDINGS = ("Which part of our work did this week touch most?",
            "Which part of our work did this week touch the most?")


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.0f} ms (min {min(samples) * 1000:.0f}, " \
           f"max {max(samples) * 1000:.0f}, n={len(samples)})"


def server_side(studio: Running, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for path in FIRST_VISIT:
            status, _ = studio.call(path)
            assert status == 200, path
        samples.append(time.perf_counter() - start)
    return samples


def in_browser(studio: Running, runs: int) -> list[float] | None:
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    samples = []
    try:
        driver.get(studio.server.url)  # the browser's own start-up is not the page's
        for _ in range(runs):
            start = time.perf_counter()
            driver.get(studio.server.url)
            WebDriverWait(driver, 30).until(
                lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"))
            samples.append(time.perf_counter() - start)
    finally:
        driver.quit()
    return samples


def save_and_check(studio: Running, runs: int) -> list[float]:
    samples = []
    for number in range(runs):
        was, text = WORDINGS[number % 2], WORDINGS[(number + 1) % 2]
        start = time.perf_counter()
        status, answer = studio.call("/api/save", {
            "locale": "en", "id": "dialogues/weekly_reflection.yaml", "path": "steps/area/text",
            "was": was, "text": text})
        samples.append(time.perf_counter() - start)
        assert status == 200, answer
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, serve(content_copy(Path(folder))) as studio:
        print(f"page load, server side (5 requests of a first visit): "
              f"{_median_ms(server_side(studio, args.runs))}")
        browser = in_browser(studio, args.runs)
        print("page load, headless Chromium until the menu is drawn: "
              + (_median_ms(browser) if browser else "skipped (no chromium/chromedriver)"))
        print(f"save-and-check (one sentence, checked as --strict, written): "
              f"{_median_ms(save_and_check(studio, args.runs))}")


if __name__ == "__main__":
    main()
