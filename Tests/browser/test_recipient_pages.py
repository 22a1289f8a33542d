"""End to end, as a recipient: the invitation arrives over SMTP, its links are opened in a real
(headless, phone-sized) Chromium, the buttons are pressed, and the register says what happened.

One daemon and one smtp-sink serve the whole module; the tests run in file order and each builds
on the state the previous ones left (the Vietnamese reader unsubscribes before the second
campaign; the pending reader confirms at the end; the English reader unsubscribes last).
"""
from __future__ import annotations

import os
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
from selenium.webdriver.common.by import By

from conftest import (REPO, Daemon, Outreach, SmtpSink, free_port, html_links, list_unsubscribe_url, recipient)

EVENT = "Config/events/new-year-gathering-2027.yaml"
VI = "lan.nguyen@example.de"        # Vietnamese reader, consent yes
EN = "emily.carter@example.org"     # English reader, consent yes
PENDING = "weiming.tan@example.com"  # English reader, consent not yet given

CONTACTS = f"""email,name,honorific,kind,country,language,consent
{VI},Nguyễn Thị Ngọc Lan,Chị,overseas_vietnamese,DE,vi,yes
{EN},Emily Carter,Dr,foreign_resident,VN,en,yes
{PENDING},Tan Wei Ming,Mr,foreign_resident,VN,en,no
"""


@dataclass
class World:
    cli: Outreach
    sink: SmtpSink
    daemon: Daemon
    base_url: str

    invitations: dict = None  # recipient -> the first campaign's message, as smtp-sink received it

    def only_message(self, address: str):
        """The first campaign's message to `address`."""
        assert address in self.invitations, f"smtp-sink received no invitation for {address}"
        return self.invitations[address]

    def launch(self, slug: str, *create_args: str) -> dict:
        self.cli.run("campaign", "create", slug, *create_args)
        self.cli.run("campaign", "launch", slug)
        return self.cli.wait_finished(slug, explain=lambda: (
            f"--- outreach serve:\n{self.daemon.output()}\n--- smtp-sink:\n{self.sink.output()}"))


@pytest.fixture(scope="module")
def world(outreach_bin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("outreach")
    http_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTREACH_")}
    sink = SmtpSink(tmp)
    env.update(
        OUTREACH_SMTP_URL=sink.url,
        OUTREACH_HTTP_BIND=f"127.0.0.1:{http_port}",
        OUTREACH_HTTP_BASE_URL=f"http://localhost:{http_port}",
        OUTREACH_LINKS_SECRET_FILE=str(tmp / "secret"),
    )
    cli = Outreach(outreach_bin, tmp / "outreach.sqlite", env)
    daemon = None
    try:
        contacts = tmp / "contacts.csv"
        contacts.write_text(CONTACTS, encoding="utf-8")
        cli.run("contacts", "import", str(contacts))
        assert cli.contact(PENDING)["consent"] == "pending"
        daemon = Daemon(cli, tmp, http_port)
        w = World(cli, sink, daemon, f"http://localhost:{http_port}")
        status = w.launch("tet-2027", "--template", "new-year-gathering", "--event", EVENT, "--segment", "consent=granted")
        assert status["sent"] == 2, status
        received = [recipient(m) for m in sink.messages()]
        assert sorted(received) == sorted([VI, EN]), received
        w.invitations = {recipient(m): m for m in sink.messages()}
        yield w
    finally:
        code = daemon.stop() if daemon else 0
        sink.stop()
    assert code == 0, f"outreach serve exited {code} on SIGTERM:\n{daemon.output()}"


def test_invitations_arrive_only_for_consenting_contacts(world):
    assert sorted(world.invitations) == sorted([VI, EN]), "the pending contact must not be invited"
    for msg in world.invitations.values():
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert list_unsubscribe_url(msg).startswith(world.base_url + "/u/")


def test_unsubscribe_vi(world, browser):
    url = list_unsubscribe_url(world.only_message(VI))
    browser.open(url)
    assert browser.lang == "vi"
    assert browser.driver.find_element(By.CSS_SELECTOR, "strong.address").text == VI
    browser.screenshot("unsubscribe-vi")
    assert browser.horizontal_overflow() <= 0, "unsubscribe page (vi) is wider than a phone"
    # Opening the page alone changes nothing (mail scanners fetch links).
    before = world.cli.contact(VI)
    assert before["consent"] == "granted" and before["suppressed"] is False, before

    browser.submit()
    assert browser.lang == "vi"
    assert browser.h1() == "Đã hủy nhận thư mời"
    browser.screenshot("unsubscribed-vi")

    after = world.cli.contact(VI)
    assert after["suppressed"] is True, after
    assert after["consent"] == "withdrawn", after

    # A second campaign reaches the English reader but nothing new reaches the Vietnamese one.
    seen = world.sink.files()
    status = world.launch("tet-2027-reminder", "--template", "new-year-gathering", "--event", EVENT,
                          "--segment", "consent=granted")
    new = world.sink.messages(since=seen)
    assert [recipient(m) for m in new] == [EN], [recipient(m) for m in new]
    assert status["sent"] == 1, status


def rsvp_flow(world, browser, address: str, answer: str, guests: int, lang: str, slug: str = "tet-2027"):
    links = [h for h in html_links(world.only_message(address)) if "/r/" in h and f"answer={answer}" in h]
    assert links, f"no answer={answer} RSVP link in the HTML part of the message to {address}"
    assert links[0].startswith(world.base_url + "/r/"), links[0]
    browser.open(links[0] + f"&guests={guests + 1}")
    assert browser.lang == lang
    chosen = browser.driver.find_element(By.CSS_SELECTOR, f"input[name=answer][value={answer}]")
    assert chosen.is_selected(), f"the {answer} link does not preselect {answer}"
    # Opening the link records nothing, whatever its query says (mail scanners open every link).
    # (`campaign rsvps` lists everyone invited: this person is there, with no answer.)
    assert [r["answer"] for r in world.cli.json("campaign", "rsvps", slug) if r["email"] == address] == ["none"], \
        "a GET of the RSVP link recorded an answer"
    browser.screenshot(f"rsvp-{lang}")
    assert browser.horizontal_overflow() <= 0, f"RSVP page ({lang}) is wider than a phone"

    field = browser.driver.find_element(By.CSS_SELECTOR, "input[name=guests]")
    field.clear()
    field.send_keys(str(guests))
    browser.submit()
    assert browser.lang == lang
    assert browser.driver.find_elements(By.CSS_SELECTOR, "input[name=answer]") == [], "still on the form"
    browser.screenshot(f"rsvp-recorded-{lang}")
    assert browser.horizontal_overflow() <= 0, f"RSVP recorded page ({lang}) is wider than a phone"

    rows = [r for r in world.cli.json("campaign", "rsvps", slug) if r["email"] == address]
    assert len(rows) == 1, rows
    return rows[0]


def test_rsvp_en(world, browser):
    row = rsvp_flow(world, browser, EN, "yes", 2, "en")
    assert row["answer"] == "yes" and row["guests"] == 2, row
    assert "2" in browser.driver.find_element(By.TAG_NAME, "main").text
    status = world.cli.status("tet-2027")
    assert status["rsvp"]["yes"] == 1 and status["rsvp"]["guests"] == 2, status


def test_rsvp_vi(world, browser):
    # The Vietnamese reader has unsubscribed from future mail, but may still answer this invitation.
    row = rsvp_flow(world, browser, VI, "yes", 1, "vi")
    assert row["answer"] == "yes" and row["guests"] == 1, row
    assert "Số người đi cùng: 1" in browser.driver.find_element(By.TAG_NAME, "main").text


def test_confirm_pending(world, browser):
    seen = world.sink.files()
    status = world.launch("consent-2027", "--template", "consent-request")
    new = world.sink.messages(since=seen)
    assert [recipient(m) for m in new] == [PENDING], [recipient(m) for m in new]
    assert status["sent"] == 1, status

    links = [h for h in html_links(new[0]) if "/c/" in h]
    assert links, "no /c/ link in the consent request's HTML part"
    assert links[0].startswith(world.base_url + "/c/"), links[0]
    browser.open(links[0])
    assert browser.lang == "en"
    browser.screenshot("confirm-en")
    assert world.cli.contact(PENDING)["consent"] == "pending", "a GET must not confirm"

    browser.submit()
    assert browser.lang == "en"
    browser.screenshot("confirmed-en")
    after = world.cli.contact(PENDING)
    assert after["consent"] == "granted", after
    assert after["suppressed"] is False, after


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_not_found(world, browser, lang):
    forged = world.base_url + "/u/" + "A" * 43
    # What a browser gets, status included (Selenium cannot see the status code).
    request = urllib.request.Request(forged.replace("localhost", "127.0.0.1"), headers={"Accept-Language": lang})
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=10)
    assert answer.value.code == 404

    browser.accept_language(f"{lang},en;q=0.5" if lang != "en" else "en-US,en;q=0.9")
    try:
        browser.open(forged)
        assert browser.lang == lang
        browser.screenshot(f"not-found-{lang}")
        assert browser.horizontal_overflow() <= 0
    finally:
        browser.accept_language("en-US,en;q=0.9")


def test_unsubscribe_en(world, browser):
    url = list_unsubscribe_url(world.only_message(EN))
    browser.open(url)
    assert browser.lang == "en"
    browser.screenshot("unsubscribe-en")
    browser.submit()
    assert browser.lang == "en"
    browser.screenshot("unsubscribed-en")
    after = world.cli.contact(EN)
    assert after["suppressed"] is True and after["consent"] == "withdrawn", after
    # Unsubscribing does not erase the answer already given.
    rows = [r for r in world.cli.json("campaign", "rsvps", "tet-2027") if r["email"] == EN]
    assert rows and rows[0]["guests"] == 2, rows


CJK = {"ja": "haruka.sato@example.jp", "ko": "minji.park@example.kr", "zh": "li.wei@example.cn"}


def test_cjk_details_labels_stay_on_one_line(world, browser, tmp_path):
    """The invitation's details box at phone width: each label (日時, 장소, 地点…) on one line."""
    cli = Outreach(world.cli.binary, tmp_path / "cjk.sqlite", world.cli.env)
    contacts = tmp_path / "cjk.csv"
    contacts.write_text("email,name,kind,language,consent\n" + "".join(
        f"{address},Reader {lang},foreign_resident,{lang},yes\n" for lang, address in CJK.items()), encoding="utf-8")
    cli.run("contacts", "import", str(contacts))
    cli.run("campaign", "create", "tet-cjk", "--template", "new-year-gathering", "--event", EVENT)
    cli.run("campaign", "preview", "tet-cjk", "--out", str(tmp_path / "eml"))
    import email as email_module
    import email.policy
    for path in sorted((tmp_path / "eml").iterdir()):
        msg = email_module.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        lang = str(msg["Content-Language"])
        assert lang in CJK, f"{msg['To']} got {lang}"
        page = tmp_path / f"invitation-{lang}.html"
        # As a phone's mail app shows it: laid out at the screen's width (412 CSS px).
        page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8">'
                        '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="margin:0">'
                        + msg.get_body(preferencelist=("html",)).get_content() + "</body></html>", encoding="utf-8")
        browser.open(page.as_uri())
        lines = browser.driver.execute_script("""
            return Array.from(document.querySelectorAll('td[style*="font-weight:bold"][style*="vertical-align:top"]')).map(td => {
                const range = document.createRange();
                range.selectNodeContents(td);
                const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
                return [td.textContent, tops.size];
            });""")
        assert browser.driver.execute_script("return window.innerWidth") == 412
        browser.screenshot(f"invitation-details-{lang}")
        assert len(lines) >= 4, f"no details labels found in the {lang} invitation"
        broken = [(label, n) for label, n in lines if n != 1]
        assert not broken, f"{lang}: labels on several lines at 412 px: {broken}"
        assert browser.horizontal_overflow() <= 0, f"{lang} invitation is wider than a phone"
