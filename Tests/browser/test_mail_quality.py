"""Every shipped template in every language, as a mailbox receives it: SpamAssassin (offline,
`spamassassin -t -L`) scores it at most 0.5, and its HTML part, opened as a document in Chromium,
has no axe-core violation. The invitations, reminders, notices and consent requests are previewed
(`campaign preview`); the sign-up confirmation and the preference link are the daemon's own mails,
asked for through the pages as a visitor would.
"""
from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import json
import os
import re
import subprocess
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import REPO, Daemon, Outreach, SmtpSink, free_port, recipient, wait_for

EVENT = "Config/events/new-year-gathering-2027.yaml"
LANGUAGES = ["vi", "en", "fr", "ko", "ja", "zh"]
READERS = {lang: f"reader-{lang}@example.org" for lang in LANGUAGES}
NAMES = {"vi": "Nguyễn Thị Lan", "en": "Emily Carter", "fr": "Claire Martin", "ko": "김민준", "ja": "佐藤 遥", "zh": "王芳"}
ASKED = {lang: f"asked-{lang}@example.org" for lang in ["vi", "en"]}


def solve(c: dict) -> str:
    for n in range(c["maxnumber"] + 1):
        if hashlib.sha256(f"{c['salt']}{n}".encode()).hexdigest() == c["challenge"]:
            return base64.b64encode(json.dumps(dict(algorithm=c["algorithm"], challenge=c["challenge"], number=n,
                                                    salt=c["salt"], signature=c["signature"])).encode()).decode()
    raise AssertionError("unsolvable")


def post(url: str, fields: dict) -> int:
    data = urllib.parse.urlencode(fields, doseq=True).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method="POST"), timeout=30) as r:
        return r.status


@pytest.fixture(scope="module")
def messages(outreach_bin, tmp_path_factory):
    """(name, message) for every template and language."""
    tmp = tmp_path_factory.mktemp("quality")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTREACH_")}
    sink = SmtpSink(tmp)
    env.update(OUTREACH_SMTP_URL=sink.url, OUTREACH_HTTP_BIND=f"127.0.0.1:{port}",
               OUTREACH_HTTP_BASE_URL=f"http://localhost:{port}", OUTREACH_LINKS_SECRET_FILE=str(tmp / "secret"),
               OUTREACH_SIGNUP_DIFFICULTY="500")
    cli = Outreach(outreach_bin, tmp / "outreach.sqlite", env)
    rows = "".join(f"{a},{NAMES[l]},,,foreign_resident,FR,,{l},yes\n" for l, a in READERS.items())
    rows += "".join(f"{a},{NAMES[l]},,,foreign_resident,FR,,{l},no\n" for l, a in ASKED.items())
    (tmp / "c.csv").write_text("email,name,addressed_as,honorific,kind,country,city,language,consent\n" + rows, encoding="utf-8")
    cli.run("contacts", "import", str(tmp / "c.csv"))
    moved = tmp / "moved.yaml"
    moved.write_text((REPO / EVENT).read_text(encoding="utf-8").replace('start: "2027-01-30T18:00"', 'start: "2027-01-30T19:00"'),
                     encoding="utf-8")
    daemon = Daemon(cli, tmp, port)
    out: list = []
    try:
        cli.run("campaign", "create", "tet", "--template", "new-year-gathering", "--event", EVENT)
        cli.run("campaign", "launch", "tet")
        cli.wait_finished("tet", explain=daemon.output)
        previews = [("tet", []), ("folk", ["--template", "folk-cake-festival", "--event", "Config/events/folk-cake-festival-2027.yaml"]),
                    ("ask", ["--template", "consent-request"]),
                    ("remind", ["--template", "event-reminder", "--reminder-of", "tet"])]
        for slug, args in previews:
            if args:
                cli.run("campaign", "create", slug, *args)
        cli.run("campaign", "notice", "moved", "--of", "tet", "--event", str(moved))
        previews.append(("moved", []))
        for slug, _ in previews:
            folder = tmp / f"preview-{slug}"
            cli.run("campaign", "preview", slug, "--out", str(folder))
            for path in sorted(folder.glob("*.eml")):
                out.append((f"{slug}/{path.stem}", email.message_from_bytes(path.read_bytes(), policy=email.policy.default)))
        cli.run("campaign", "notice", "off", "--of", "tet", "--cancel")
        cli.run("campaign", "preview", "off", "--out", str(tmp / "preview-off"))
        for path in sorted((tmp / "preview-off").glob("*.eml")):
            out.append((f"off/{path.stem}", email.message_from_bytes(path.read_bytes(), policy=email.policy.default)))
        # The daemon's own mails: a sign-up in each language, and "email me my link".
        base = f"http://127.0.0.1:{port}"
        seen = sink.files()
        for lang in LANGUAGES:
            with urllib.request.urlopen(base + "/join/challenge", timeout=30) as r:
                altcha = solve(json.loads(r.read()))
            assert post(base + "/join", {"email": f"new-{lang}@example.org", "language": lang, "consent": "yes",
                                         "altcha": altcha, "website": ""}) == 200
            assert post(base + "/p", {"email": READERS[lang]}) == 200
        wait_for(lambda: len(sink.messages(since=seen)) >= 12, 60, "the personal mails")
        for m in sink.messages(since=seen):
            kind = "join-confirm" if "/join/confirm/" in m.get_body(("plain",)).get_content() else "preference-link"
            out.append((f"{kind}/{recipient(m)}", m))
    finally:
        code = daemon.stop()
        sink.stop()
    assert code == 0, daemon.output()
    languages = {(name.split("/")[0], str(m["Content-Language"])) for name, m in out}
    for template in ["tet", "remind", "moved", "off", "join-confirm", "preference-link"]:
        assert {l for t, l in languages if t == template} == set(LANGUAGES), (template, languages)
    return out


def spam_score(message) -> tuple[float, str]:
    p = subprocess.run(["spamassassin", "-t", "-L"], input=message.as_bytes(), capture_output=True, timeout=120)
    report = p.stdout.decode(errors="replace")
    score = float(re.search(r"Content analysis details:\s+\(([-0-9.]+) points", report).group(1))
    hits = re.findall(r"^\s*([-0-9.]+) ([A-Z0-9_]+)", report.split("Content analysis details:")[1], re.M)
    return score, " ".join(f"{r}({s})" for s, r in hits if float(s) > 0)


def test_spamassassin_scores_every_template_in_every_language_at_most_half_a_point(messages):
    with ThreadPoolExecutor(max_workers=2) as pool:
        scores = list(pool.map(lambda nm: (nm[0], nm[1]["Content-Language"], *spam_score(nm[1])), messages))
    high = [s for s in scores if s[2] > 0.5]
    assert high == [], high


def test_axe_finds_nothing_in_the_html_of_every_template_and_language(messages, browser, tmp_path):
    from test_signup_pages import axe_violations
    done = set()
    for name, message in messages:
        key = (name.split("/")[0], str(message["Content-Language"]))
        if key in done:
            continue
        done.add(key)
        html = message.get_body(("html",)).get_content()
        assert re.search(r'<html lang="[a-z]{2}">', html) and "<title>" in html and "<h1" in html, name
        page = tmp_path / f"{key[0]}-{key[1]}.html"
        page.write_text(html, encoding="utf-8")
        browser.open(page.as_uri())
        assert axe_violations(browser.driver) == [], f"axe-core on {key}"
        if key[0] in ("tet", "join-confirm"):
            browser.screenshot(f"mail-{key[0]}-{key[1]}")
            assert browser.horizontal_overflow() <= 0, f"{key} is wider than a phone"
