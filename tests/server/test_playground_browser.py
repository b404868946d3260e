"""The playground in a real browser: ``nesy serve`` as a subprocess (the embedded SmolLM2, real
backends, an API key), driven by Debian's headless Chromium through Selenium and chromedriver.

Screenshots of each case are kept under ``.nesy-cache/artefacts/playground/`` (printed) for a
person to look at. A missing browser is a failure, not a skip: CI installs it (.ci/run).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from benchmarks.report import write_report
from tests.server.conftest import REPO, ServerProcess
from tests.server.problems import LOGIC_BAD, LOGIC_PROGRAM
from tests.server.test_playground import RUN, _records

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTEFACTS = REPO / ".nesy-cache" / "artefacts" / "playground"
KEY = "browser-key-7"
# A problem the small model translates into a solvable task (checked by running it); what the
# plan is depends on the translation, so the test checks its form, not its steps.
BLOCKS_TEXT = (
    "There are 2 blocks: b1 and b2. b1 is on the table. b2 is on the table. b1 is clear. b2 is clear. "
    "The hand is empty. b1 should be on top of b2."
)
ACTION = re.compile(r"^\([a-z][\w-]*( [\w-]+)*\)$")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    tmp = tmp_path_factory.mktemp("playground-browser")
    cache = tmp / "cache"
    write_report(_records(), cache / "bench" / RUN, config={"suite": "logic/demo", "seed": 0, "mode": "ours"}, model="m")
    srv = ServerProcess(tmp, llm="embedded", env={"NESY_API_KEYS": f'["{KEY}"]', "NESY_CACHE_DIR": str(cache)}).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not path.exists():
            pytest.fail(f"{path} is missing: install Debian's {package} (apt-get install chromium chromium-driver; .ci/run does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,1100",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(30)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def screenshot(driver, name: str) -> Path:
    """The whole page (the window grown to its height), saved where a person can find it."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(800, min(int(height) + 40, 4000)))
    path = ARTEFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


def wait(driver, what: Callable[[], object], timeout: float, message: str) -> object:
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda _: what())
    except Exception as e:
        status = driver.find_element("id", "status").text if driver.find_elements("id", "status") else ""
        raise AssertionError(f"{message} (status {status!r}); page text:\n{driver.find_element('tag name', 'body').text[:3000]}") from e


def open_page(driver, srv: ServerProcess, path: str = "/") -> None:
    driver.set_window_size(1280, 1100)
    driver.get(srv.url + path)
    key = driver.find_element("id", "api-key")
    key.clear()
    key.send_keys(KEY + "\t")  # change event: the page stores the key and loads its data again


def formal_logic(driver, program: str) -> None:
    from selenium.webdriver.support.ui import Select

    driver.find_element("id", "tab-formal").click()
    Select(driver.find_element("id", "f-kind")).select_by_value("logic")
    box = driver.find_element("id", "f-program")
    box.clear()
    box.send_keys(program)
    driver.find_element("id", "solve-formal").click()


def test_logic_program_shows_true_with_its_premises(served: ServerProcess, browser) -> None:
    open_page(browser, served)
    formal_logic(browser, LOGIC_PROGRAM)
    verdict = wait(browser, lambda: browser.find_elements("id", "verdict"), 30, "no verdict shown")[0]
    assert verdict.text == "True"
    premises = [li.text for li in browser.find_elements("css selector", "#premises li")]
    # the reasons are premises of the program, by name
    assert premises and all(p.split(": ", 1)[0] in ("p1", "p2") for p in premises), premises
    assert any("Cat(Tom)" in p for p in premises), premises
    assert [li.text.split()[0] for li in browser.find_elements("css selector", "#stages li")] == \
        ["context", "parse", "solve", "verbalize"]
    # the program is shown highlighted: declarations and connectives are their own tokens
    assert {t.text for t in browser.find_elements("css selector", "#formal .tok-decl")} >= {"const", "pred", "premise"}
    assert "forall" in {t.text for t in browser.find_elements("css selector", "#formal .tok-builtin")}
    assert "Animal(Tom)" in browser.find_element("id", "explanation").text
    screenshot(browser, "logic-true")


def test_malformed_program_shows_the_parse_error_and_its_line(served: ServerProcess, browser) -> None:
    open_page(browser, served)
    formal_logic(browser, LOGIC_BAD)
    error = wait(browser, lambda: [e for e in browser.find_elements("id", "error") if e.is_displayed()], 30, "no error shown")[0]
    assert "Parse error" in error.text and "line 3" in error.text, error.text
    marked = browser.find_elements("css selector", "#formal .err-line")
    assert [m.get_attribute("data-line") for m in marked] == ["3"]
    assert marked[0].text.startswith("premise p1: Cat(Tom) and")
    assert not browser.find_elements("id", "verdict")
    screenshot(browser, "logic-parse-error")


def test_blocksworld_in_words_shows_numbered_plan_steps(served: ServerProcess, browser) -> None:
    from selenium.webdriver.support.ui import Select

    open_page(browser, served)
    wait(browser, lambda: len(Select(browser.find_element("id", "nl-domain")).options) > 1, 30, "domains not loaded")
    browser.find_element("id", "nl-text").send_keys(BLOCKS_TEXT)
    Select(browser.find_element("id", "nl-kind")).select_by_value("planning")
    Select(browser.find_element("id", "nl-domain")).select_by_value("blocksworld")
    browser.find_element("id", "solve-nl").click()
    # stages stream in while the model is still translating
    wait(browser, lambda: browser.find_elements("css selector", "#stages li"), 60, "no stage streamed")
    assert not browser.find_element("id", "answer-box").is_displayed()
    steps = wait(browser, lambda: browser.find_elements("css selector", "#plan li")
                 or [e for e in browser.find_elements("id", "error") if e.is_displayed()], 150, "no plan shown")
    assert browser.find_element("id", "error").is_displayed() is False, browser.find_element("id", "error").text
    assert browser.find_element("id", "status").text.startswith("SOLVED")
    texts = [s.text for s in steps]
    assert all(ACTION.match(t) for t in texts), texts
    names = [li.text.split()[0] for li in browser.find_elements("css selector", "#stages li")]
    assert names[0] == "context" and "solve" in names and any(n.startswith("translate") for n in names), names
    assert "(:domain blocksworld)" in browser.find_element("id", "formal").text
    explanation = browser.find_element("id", "explanation").text
    assert explanation.startswith("1. ") and f"{len(texts)} step" in explanation, explanation
    notice = browser.find_element("id", "notice")
    assert not notice.is_displayed(), notice.text  # the key was entered: no stale "needs a key"
    screenshot(browser, "blocksworld-plan")


def test_runs_page_shows_the_summary_and_plots(served: ServerProcess, browser) -> None:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    def open_run() -> bool:
        try:  # the list is drawn again when the key is entered: a link found earlier may be gone
            browser.find_element("link text", RUN).click()
            return True
        except (NoSuchElementException, StaleElementReferenceException):
            return False

    open_page(browser, served, "/runs")
    wait(browser, open_run, 30, "run not listed")
    wait(browser, lambda: browser.find_elements("css selector", "#run-report table.summary"), 30, "no summary table")
    headers = [th.text for th in browser.find_elements("css selector", "#run-report table.summary th")]
    assert "held-out" in headers and "gap (seen − held-out)" in headers, headers
    loaded = "return [...document.querySelectorAll('#run-report img.plot')].filter(i => i.complete && i.naturalWidth > 0).length"
    assert wait(browser, lambda: browser.execute_script(loaded) >= 2, 30, "plots did not load")
    assert not browser.find_element("id", "notice").is_displayed(), browser.find_element("id", "notice").text
    screenshot(browser, "bench-runs")
