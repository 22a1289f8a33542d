"""End to end, as a visitor: sign up in each of the six languages in a real (headless,
phone-sized) Chromium, with the proof-of-work solved by the page's own script; the confirmation
mail arrives at smtp-sink; its link's button grants consent with the evidence `contacts show`
prints. Then the preference page (reached by "email me my link") changes a language, topics and
a pause, and the next campaigns respect them. axe-core checks every new page.

One daemon and one smtp-sink serve the module; the tests run in file order.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Daemon, Outreach, SmtpSink, free_port, html_links, recipient, wait_for

LANGUAGES = ["vi", "en", "fr", "ko", "ja", "zh"]
EVENT = "Config/events/new-year-gathering-2027.yaml"


def visitor(lang: str) -> str:
    return f"visitor-{lang}@example.org"


@dataclass
class World:
    cli: Outreach
    sink: SmtpSink
    daemon: Daemon
    base_url: str

    def mail_to(self, address: str, containing: str, timeout: float = 30):
        """The first message smtp-sink received for `address` with a link containing `containing`."""
        def found():
            for m in self.sink.messages():
                if recipient(m) == address and any(containing in h for h in html_links(m)):
                    return m
            return None
        return wait_for(found, timeout, f"a message to {address} with a {containing} link")

    def launch(self, slug: str, *create_args: str) -> list:
        seen = self.sink.files()
        self.cli.run("campaign", "create", slug, *create_args)
        self.cli.run("campaign", "launch", slug)
        self.cli.wait_finished(slug, explain=lambda: f"--- outreach serve:\n{self.daemon.output()}")
        return self.sink.messages(since=seen)


@pytest.fixture(scope="module")
def world(outreach_bin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("signup")
    http_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTREACH_")}
    sink = SmtpSink(tmp)
    env.update(
        OUTREACH_SMTP_URL=sink.url,
        OUTREACH_HTTP_BIND=f"127.0.0.1:{http_port}",
        # localhost: a secure context, where the page's script may use crypto.subtle.
        OUTREACH_HTTP_BASE_URL=f"http://localhost:{http_port}",
        OUTREACH_LINKS_SECRET_FILE=str(tmp / "secret"),
        OUTREACH_SIGNUP_DIFFICULTY="20000",
        OUTREACH_SIGNUP_PER_IP_PER_HOUR="1000",
    )
    cli = Outreach(outreach_bin, tmp / "outreach.sqlite", env)
    daemon = Daemon(cli, tmp, http_port)
    try:
        yield World(cli, sink, daemon, f"http://localhost:{http_port}")
    finally:
        code = daemon.stop()
        sink.stop()
    assert code == 0, f"outreach serve exited {code} on SIGTERM:\n{daemon.output()}"


def axe_violations(driver) -> list:
    from axe_selenium_python import Axe
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]]


def wait_for_work(browser):
    """Waits until the page's own script has solved the proof-of-work."""
    WebDriverWait(browser.driver, 60).until(
        lambda d: d.find_element(By.ID, "join").get_attribute("data-pow") in ("done", "failed"))
    assert browser.driver.find_element(By.ID, "join").get_attribute("data-pow") == "done", \
        browser.driver.find_element(By.ID, "pow-status").text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_up_confirm_and_the_evidence(world, browser, lang):
    browser.accept_language(f"{lang},en;q=0.5")
    browser.open(world.base_url + "/join")
    assert browser.lang == lang
    status = browser.driver.find_element(By.ID, "pow-status")
    wait_for_work(browser)
    assert status.text == status.get_attribute("data-done"), "the page says what it did, in its language"
    d = browser.driver
    d.find_element(By.ID, "email").send_keys(visitor(lang))
    d.find_element(By.ID, "name").send_keys("Visitor " + lang.upper())
    d.find_element(By.CSS_SELECTOR, "input[name=kind][value=foreign_resident]").click()
    d.find_element(By.CSS_SELECTOR, "input[name=topics][value=culture]").click()
    d.find_element(By.ID, "country").send_keys("fr")
    d.find_element(By.CSS_SELECTOR, "input[name=consent]").click()
    sentence = d.find_element(By.CSS_SELECTOR, "label.consent span").text
    assert axe_violations(d) == [], f"axe-core on /join ({lang})"
    browser.screenshot(f"join-{lang}")
    assert browser.horizontal_overflow() <= 0, f"sign-up page ({lang}) is wider than a phone"
    browser.submit()
    assert browser.lang == lang
    assert visitor(lang) in d.find_element(By.CSS_SELECTOR, "strong.address").text
    assert axe_violations(d) == [], f"axe-core on the check-mail page ({lang})"
    # Nothing is registered before the confirmation.
    assert world.cli.run("contacts", "show", visitor(lang), check=False).returncode != 0

    mail = world.mail_to(visitor(lang), "/join/confirm/")
    assert mail["Content-Language"] == lang
    link = [h for h in html_links(mail) if "/join/confirm/" in h][0]
    assert link.startswith(world.base_url + "/join/confirm/")
    browser.open(link)
    assert world.cli.run("contacts", "show", visitor(lang), check=False).returncode != 0, "the GET recorded something"
    browser.submit()
    assert browser.lang == lang

    contact = world.cli.contact(visitor(lang))
    assert contact["consent"] == "granted", contact
    assert contact["language"] == lang and contact["topics"] == ["culture"] and contact["country"] == "FR", contact
    granted = contact["history"][-1]
    assert granted["status"] == "granted" and granted["source"] == "join", granted
    for part in ("form=join-v1", "ip=127.0.0.1", "HeadlessChrome", sentence, "confirmed: "):
        assert part in granted["evidence"], (part, granted["evidence"])
    table = world.cli.run("contacts", "show", visitor(lang)).stdout
    assert "culture" in table and sentence in table


def preference_link(world, browser, address: str) -> str:
    browser.accept_language("en")
    browser.open(world.base_url + "/p")
    browser.driver.find_element(By.ID, "email").send_keys(address)
    browser.submit()
    mail = world.mail_to(address, "/p/")
    return [h for h in html_links(mail) if "/p/" in h][0]


def test_the_preference_page_changes_language_topics_and_a_pause_and_the_next_campaigns_follow(world, browser):
    d = browser.driver
    # The Korean visitor: French, and trade instead of culture.
    browser.open(preference_link(world, browser, visitor("ko")))
    assert browser.lang == "ko"
    assert axe_violations(d) == [], "axe-core on the preference page"
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    Select(d.find_element(By.ID, "language")).select_by_value("fr")
    d.find_element(By.CSS_SELECTOR, "input[name=topics][value=culture]").click()
    d.find_element(By.CSS_SELECTOR, "input[name=topics][value=trade]").click()
    browser.screenshot("preferences-ko")
    browser.submit()
    assert browser.lang == "fr" and d.find_element(By.CSS_SELECTOR, ".saved").is_displayed()
    # The English visitor: a pause until well after the campaigns.
    browser.open(preference_link(world, browser, visitor("en")))
    d.execute_script("document.getElementById('pause_until').value = '2099-01-01'")
    browser.submit()

    ko = world.cli.contact(visitor("ko"))
    assert ko["language"] == "fr" and ko["topics"] == ["trade"], ko
    assert world.cli.contact(visitor("en"))["paused_until"] == "2099-01-01"
    # The page's own script told the form the browser's time zone: the pause ends with its day there.
    paused = __import__("json").loads(world.cli.run("contacts", "export", visitor("en")).stdout)["preference_changes"][-1]
    assert paused["field"] == "paused_until" and "; time-zone=" in paused["evidence"], paused
    export = world.cli.run("contacts", "export", visitor("ko")).stdout
    changes = [c["field"] for c in __import__("json").loads(export)["preference_changes"]]
    assert changes == ["language", "topics"], changes

    culture = world.launch("festival", "--template", "new-year-gathering", "--event", EVENT, "--topic", "culture")
    got = sorted(recipient(m) for m in culture)
    assert got == sorted(visitor(l) for l in ["vi", "fr", "ja", "zh"]), got
    trade = world.launch("fair", "--template", "new-year-gathering", "--event", EVENT, "--topic", "trade")
    assert [recipient(m) for m in trade] == [visitor("ko")]
    assert trade[0]["Content-Language"] == "fr"
    # Every message links the preference page and the view in browser.
    links = html_links(trade[0])
    assert any("/p/" in h for h in links) and any(h == world.base_url + "/v/fair/fr" for h in links), links
    browser.open(world.base_url + "/v/fair/fr")
    assert browser.lang == "fr" and d.find_element(By.TAG_NAME, "h1").text
    assert "/u/" not in d.page_source and "/r/" not in d.page_source
