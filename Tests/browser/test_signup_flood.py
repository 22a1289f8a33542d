"""A scripted flood of the sign-up: 5,000 POSTs with valid proof-of-work for 500 addresses (50 of
them suppressed) from many threads, while one-click unsubscribes keep arriving; then POSTs without
valid work. At most one confirmation per address (450), none to a suppressed address, every
one-click answered and recorded, nothing for the POSTs without work. The difficulty is low so the
run stays short: the limits under test are the per-address and suppression rules, not the work.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import Daemon, Outreach, SmtpSink, free_port, list_unsubscribe_url, recipient, wait_for

EVENT = "Config/events/new-year-gathering-2027.yaml"
SUPPRESSED = [f"gone-{i}@example.org" for i in range(50)]
LEAVING = [f"leaving-{i}@example.org" for i in range(50)]
JOINERS = [f"joiner-{i}@example.org" for i in range(450)]


def solve(challenge: dict) -> str:
    for n in range(challenge["maxnumber"] + 1):
        if hashlib.sha256(f"{challenge['salt']}{n}".encode()).hexdigest() == challenge["challenge"]:
            payload = dict(algorithm=challenge["algorithm"], challenge=challenge["challenge"], number=n,
                           salt=challenge["salt"], signature=challenge["signature"])
            return base64.b64encode(json.dumps(payload).encode()).decode()
    raise AssertionError("unsolvable challenge")


def post(url: str, fields: dict) -> int:
    data = urllib.parse.urlencode(fields, doseq=True).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def sign_up(base: str, email: str, altcha: str | None = None) -> int:
    if altcha is None:
        with urllib.request.urlopen(base + "/join/challenge", timeout=60) as r:
            altcha = solve(json.loads(r.read()))
    return post(base + "/join", {"email": email, "name": "Flood", "language": "en", "kind": "other",
                                 "topics": ["culture"], "consent": "yes", "website": "", "altcha": altcha})


@pytest.fixture(scope="module")
def flood_world(outreach_bin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("flood")
    http_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTREACH_")}
    sink = SmtpSink(tmp)
    env.update(OUTREACH_SMTP_URL=sink.url, OUTREACH_HTTP_BIND=f"127.0.0.1:{http_port}",
               OUTREACH_HTTP_BASE_URL=f"http://localhost:{http_port}", OUTREACH_LINKS_SECRET_FILE=str(tmp / "secret"),
               OUTREACH_SIGNUP_DIFFICULTY="200", OUTREACH_SIGNUP_PER_IP_PER_HOUR="100000")
    cli = Outreach(outreach_bin, tmp / "outreach.sqlite", env)
    contacts = tmp / "contacts.csv"
    contacts.write_text("email,name,language,consent\n" + "".join(f"{a},Reader,en,yes\n" for a in SUPPRESSED + LEAVING),
                        encoding="utf-8")
    cli.run("contacts", "import", str(contacts))
    daemon = Daemon(cli, tmp, http_port)
    try:
        yield cli, sink, daemon, f"http://127.0.0.1:{http_port}"
    finally:
        code = daemon.stop()
        sink.stop()
    assert code == 0, daemon.output()


def test_a_flood_of_valid_work_sends_one_mail_per_unsuppressed_address_and_one_click_keeps_answering(flood_world):
    cli, sink, daemon, base = flood_world
    cli.run("campaign", "create", "tet", "--template", "new-year-gathering", "--event", EVENT)
    cli.run("campaign", "launch", "tet")
    cli.wait_finished("tet", explain=daemon.output)
    one_click = {recipient(m): list_unsubscribe_url(m) for m in sink.messages()}
    one_click = {a: u.replace("http://localhost:", "http://127.0.0.1:") for a, u in one_click.items()}
    for address in SUPPRESSED:
        assert post(one_click[address], {"List-Unsubscribe": "One-Click"}) == 200
    seen = sink.files()

    addresses = JOINERS + SUPPRESSED
    posts = [addresses[i % len(addresses)] for i in range(5000)]
    statuses: list[int] = []
    clicks: list[tuple[int, float]] = []
    done = threading.Event()

    def keep_clicking():
        for address in LEAVING:
            if done.is_set():
                break
            start = time.monotonic()
            clicks.append((post(one_click[address], {"List-Unsubscribe": "One-Click"}), time.monotonic() - start))
            time.sleep(0.05)

    clicker = threading.Thread(target=keep_clicking)
    clicker.start()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda a: sign_up(base, a), posts))
    elapsed = time.monotonic() - started
    done.set()
    clicker.join()
    print(f"\n5000 sign-up POSTs in {elapsed:.1f}s ({5000 / elapsed:.0f}/s); one-click during the flood: "
          f"{len(clicks)} answered, slowest {max(t for _, t in clicks) * 1000:.0f} ms")
    assert statuses.count(200) == 5000, {s: statuses.count(s) for s in set(statuses)}
    assert clicks and all(status == 200 for status, _ in clicks), clicks
    for address in LEAVING[:len(clicks)]:
        assert cli.contact(address)["suppressed"] is True

    def confirmations():
        return [m for m in sink.messages(since=seen) if "/join/confirm/" in m.get_body(("plain",)).get_content()]
    wait_for(lambda: len(confirmations()) >= len(JOINERS), 120, "the confirmation mails", interval=1)
    time.sleep(2)  # anything more would arrive now: the queue was already drained to 450
    got = [recipient(m) for m in confirmations()]
    assert len(got) == len(JOINERS) and sorted(got) == sorted(JOINERS), f"{len(got)} mails"
    assert not set(got) & set(SUPPRESSED)

    # Without valid work nothing is sent: a forged number, a made-up signature, no field at all.
    with urllib.request.urlopen(base + "/join/challenge", timeout=60) as r:
        challenge = json.loads(r.read())
    wrong = dict(algorithm="SHA-256", challenge=challenge["challenge"], number=challenge["maxnumber"] + 1,
                 salt=challenge["salt"], signature=challenge["signature"])
    forged = dict(wrong, number=0, signature="00" * 32)
    bad = [base64.b64encode(json.dumps(wrong).encode()).decode(), base64.b64encode(json.dumps(forged).encode()).decode(), ""]
    seen = sink.files()
    with ThreadPoolExecutor(max_workers=8) as pool:
        refused = list(pool.map(lambda i: sign_up(base, f"nowork-{i}@example.org", bad[i % 3]), range(300)))
    assert refused == [400] * 300
    time.sleep(2)
    assert [recipient(m) for m in sink.messages(since=seen)] == []
