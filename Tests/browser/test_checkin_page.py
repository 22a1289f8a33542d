"""The check-in page at the door, on a phone-sized Chromium (390 x 844): a typed code is accepted
and shows who arrives (name, form of address, language, guests), a second scan is flagged with
when and where the first was, scans made while the daemon is stopped are queued on the phone and
synced once when it is back (the register counts nobody twice), and a walk-in is added at the desk.
The ticket codes come from the ticket mail the daemon sent (read with Python's email package)."""
from __future__ import annotations

import os
import re
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import REPO, Daemon, Outreach, SmtpSink, free_port, html_links, recipient, wait_for

EVENT = "Config/events/new-year-gathering-2027.yaml"
CONTACTS = """email,name,addressed_as,honorific,kind,country,language,consent,note
emily.carter@example.org,Emily Carter,Carter,Ms,foreign_resident,US,en,yes,vegetarian
"""


def post(url: str, fields: dict) -> int:
    data = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method="POST"), timeout=30) as r:
        return r.status


@pytest.fixture(scope="module")
def door(outreach_bin, tmp_path_factory):
    """A daemon whose staff listener serves the check-in page, Emily confirmed with one guest,
    and the two codes of her ticket mail."""
    tmp = tmp_path_factory.mktemp("checkin")
    http_port, staff_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTREACH_")}
    sink = SmtpSink(tmp)
    env.update(OUTREACH_SMTP_URL=sink.url, OUTREACH_HTTP_BIND=f"127.0.0.1:{http_port}",
               OUTREACH_HTTP_BASE_URL=f"http://localhost:{http_port}", OUTREACH_LINKS_SECRET_FILE=str(tmp / "secret"),
               OUTREACH_STAFF_BIND=f"127.0.0.1:{staff_port}", OUTREACH_UI_LANGUAGE="en")
    cli = Outreach(outreach_bin, tmp / "outreach.sqlite", env)
    (tmp / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    cli.run("contacts", "import", str(tmp / "contacts.csv"))
    event = tmp / "event.yaml"
    event.write_text((REPO / EVENT).read_text(encoding="utf-8") + "\ncapacity: 10\n", encoding="utf-8")
    daemon = Daemon(cli, tmp, http_port)
    state = {"daemon": daemon}
    try:
        cli.run("campaign", "create", "tet", "--template", "new-year-gathering", "--event", str(event))
        cli.run("campaign", "launch", "tet")
        cli.wait_finished("tet", explain=daemon.output)
        invitation = sink.messages()[0]
        yes = next(u for u in html_links(invitation) if "/r/" in u)
        path = urllib.parse.urlsplit(yes).path
        assert post(f"http://127.0.0.1:{http_port}{path}", {"answer": "yes", "guests": "1"}) == 200
        ticket = wait_for(lambda: next((m for m in sink.messages() if "ticket" in str(m["Subject"]).lower()), None), 30,
                          "the ticket mail", interval=0.3)
        assert recipient(ticket) == "emily.carter@example.org"
        codes = re.findall(r"Ticket code: ([0-9A-Z-]+)", ticket.get_body(("plain",)).get_content())
        assert len(codes) == 2, codes

        def restart():
            state["daemon"] = Daemon(cli, tmp, http_port)

        yield dict(url=f"http://127.0.0.1:{staff_port}/checkin/tet", cli=cli, codes=codes, state=state, restart=restart)
    finally:
        state["daemon"].stop()
        sink.stop()


@pytest.fixture
def phone(browser):
    """The session's Chromium as a 390 x 844 phone."""
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True})
    yield browser
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": 412, "height": 915, "deviceScaleFactor": 1, "mobile": True})


def check(driver, code: str) -> tuple[str, str]:
    """Types `code` and presses Check; the result the page shows (its kind and its words)."""
    result = driver.find_element(By.ID, "result")
    driver.execute_script("arguments[0].removeAttribute('data-result'); arguments[0].textContent = ''", result)
    field = driver.find_element(By.ID, "code")
    field.clear()
    field.send_keys(code)
    driver.find_element(By.CSS_SELECTOR, "#typed button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: result.get_attribute("data-result"))
    return result.get_attribute("data-result"), result.text


def waiting(driver) -> int:
    return int(driver.find_element(By.ID, "waiting").text)


def test_the_door_accepts_a_code_flags_a_second_scan_and_syncs_offline_scans_once(phone, door):
    driver = phone.driver
    phone.open(door["url"])
    # Let the page fetch the day's roster before the network goes.
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(
        "return (JSON.parse(localStorage.getItem('outreach-checkin-roster-tet') || '[]')).length") == 2)
    assert phone.horizontal_overflow() <= 0

    me, guest = door["codes"]
    kind, text = check(driver, me.lower())
    assert kind == "accepted", text
    assert "Ms Carter" in text and "guests 1" in text and "language en" in text and "vegetarian" in text, text
    phone.screenshot("checkin-accepted-390")

    kind, text = check(driver, me)
    assert kind == "already-scanned", text
    assert "ALREADY SCANNED" in text and "check-in page" in text and re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text), text

    # The network goes (the daemon stops): scans are kept on the phone, checked against the roster.
    assert door["state"]["daemon"].stop() == 0
    kind, text = check(driver, guest)
    assert kind == "queued", text
    kind, text = check(driver, guest)
    assert kind == "already-scanned" and "waiting to be sent" in text, text
    kind, text = check(driver, "ABCDE-FGHJK")
    assert kind == "unknown", text
    assert waiting(driver) == 2
    phone.screenshot("checkin-offline-390")

    # Back: the queue is sent once; the guest is counted once, the forged code not at all.
    door["restart"]()
    WebDriverWait(driver, 30).until(lambda d: waiting(d) == 0)
    status = door["cli"].status("tet")
    assert status["rsvp"]["checked_in"] == 2, status
    again = door["cli"].run("checkin", "tet", guest, check=False)
    assert again.returncode == 3 and "ALREADY SCANNED" in again.stderr, again.stderr


def test_a_walk_in_is_added_at_the_desk_and_counted(phone, door):
    driver = phone.driver
    phone.open(door["url"])
    before = door["cli"].status("tet")["rsvp"]["checked_in"]
    driver.find_element(By.CSS_SELECTOR, "details summary").click()
    driver.find_element(By.ID, "walk-in-name").send_keys("Trần Văn Hùng")
    driver.find_element(By.CSS_SELECTOR, "#walk-in button[type=submit]").click()
    result = driver.find_element(By.ID, "result")
    WebDriverWait(driver, 10).until(lambda d: result.get_attribute("data-result") == "walk-in")
    assert "Trần Văn Hùng" in result.text
    assert door["cli"].status("tet")["rsvp"]["checked_in"] == before + 1
    audit = door["cli"].json("audit")
    assert any(row["command"] == "checkin walk-in" for row in audit), audit
