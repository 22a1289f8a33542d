"""The staff pages and the campaign report in a real Chromium: axe-core finds no violation, the
live part refreshes without reloading the page, and screenshots at 1280 px and 390 px land in
test-artifacts/screenshots/ (staff-*.png, report-*.png)."""
from __future__ import annotations

import os
import urllib.request

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Daemon, Outreach, SmtpSink, free_port

EVENT = "Config/events/new-year-gathering-2027.yaml"
CONTACTS = """email,name,kind,country,language,consent
lan.nguyen@example.de,Nguyễn Thị Lan,overseas_vietnamese,DE,vi,yes
emily.carter@example.org,Emily Carter,foreign_resident,US,en,yes
kim.minjun@example.kr,김민준,foreign_resident,KR,ko,yes
"""


@pytest.fixture(scope="module")
def staff(outreach_bin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("staff")
    http_port, staff_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTREACH_")}
    sink = SmtpSink(tmp)
    env.update(OUTREACH_SMTP_URL=sink.url, OUTREACH_HTTP_BIND=f"127.0.0.1:{http_port}",
               OUTREACH_HTTP_BASE_URL=f"http://localhost:{http_port}", OUTREACH_LINKS_SECRET_FILE=str(tmp / "secret"),
               OUTREACH_STAFF_BIND=f"127.0.0.1:{staff_port}", OUTREACH_UI_LANGUAGE="vi")
    cli = Outreach(outreach_bin, tmp / "outreach.sqlite", env)
    (tmp / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    cli.run("contacts", "import", str(tmp / "contacts.csv"))
    daemon = Daemon(cli, tmp, http_port)
    try:
        cli.run("campaign", "create", "tet-2027", "--template", "new-year-gathering", "--event", EVENT)
        cli.run("campaign", "launch", "tet-2027")
        cli.wait_finished("tet-2027", explain=daemon.output)
        report = tmp / "report.html"
        cli.run("report", "tet-2027", "--out", str(report))
        yield f"http://127.0.0.1:{staff_port}", report
    finally:
        daemon.stop()
        sink.stop()


def axe_violations(driver) -> list:
    from axe_selenium_python import Axe
    axe = Axe(driver)
    axe.inject()
    return axe.run()["violations"]


@pytest.mark.parametrize("path,name", [("/", "home"), ("/campaigns/tet-2027", "campaign"), ("/bounces", "bounces"), ("/audit", "audit")])
def test_staff_page_has_no_axe_violation_and_is_screenshot_at_two_widths(browser, staff, path, name):
    base, _ = staff
    browser.open(base + path)
    assert browser.lang == "vi"
    violations = axe_violations(browser.driver)
    assert violations == [], [(v["id"], v["nodes"][0]["target"]) for v in violations]
    for width in (1280, 390):
        browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                       {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500})
        browser.screenshot(f"staff-{name}-{width}")


def test_the_live_part_refreshes_without_reloading_the_page(browser, staff):
    base, _ = staff
    browser.open(base + "/")
    browser.driver.execute_script("window.staffPageMark = true")
    WebDriverWait(browser.driver, 15).until(
        lambda d: d.execute_script("return document.querySelector('[data-live]').getAttribute('data-refreshed')"))
    assert browser.driver.execute_script("return window.staffPageMark === true"), "the page itself was not reloaded"
    assert "tet-2027" in browser.driver.find_element("css selector", "[data-live]").text


def test_the_report_has_no_external_reference_and_no_axe_violation(browser, staff):
    _, report = staff
    html = report.read_text(encoding="utf-8")
    for needle in ("src=", "<link", "url(", "@import", "<script"):
        assert needle not in html, needle
    assert html.count("<svg") >= 5
    browser.open(report.as_uri())
    violations = axe_violations(browser.driver)
    assert violations == [], [(v["id"], v["nodes"][0]["target"]) for v in violations]
    for width in (1280, 390):
        browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                       {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500})
        browser.screenshot(f"report-{width}")
