"""Fixtures for the real-browser tests: the outreach binary, smtp-sink, the daemon, Chromium.

Everything runs in pytest's tmp dirs on free loopback ports. The binary is $OUTREACH_BIN
(default: <repo>/.build/debug/outreach, the CI path); commands run from the repository root so
Config/ and Templates/ resolve. Screenshots go to <repo>/test-artifacts/screenshots/.
"""
from __future__ import annotations

import email
import email.policy
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------
# The CLI


class Outreach:
    """Runs `outreach --database DB ...` from the repository root with the test's environment."""

    def __init__(self, binary: str, database: Path, env: dict[str, str]):
        self.binary = binary
        self.database = database
        self.env = env

    def run(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = [self.binary, "--database", str(self.database), *args]
        p = subprocess.run(cmd, cwd=REPO, env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} exited {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
        return p

    def json(self, *args: str):
        return json.loads(self.run(*args, "--format", "json").stdout)

    def contact(self, address: str) -> dict:
        return self.json("contacts", "show", address)

    def status(self, slug: str) -> dict:
        return self.json("campaign", "status", slug)

    def wait_finished(self, slug: str, timeout: float = 60, explain=lambda: "") -> dict:
        """Polls `campaign status` until finished; a retry or a failure ends the wait at once
        (everything here is local: nothing should ever need a second attempt)."""
        last: dict = {}

        def finished():
            nonlocal last
            last = self.status(slug)
            if last.get("retry") or last.get("failed"):
                raise AssertionError(f"campaign {slug} could not deliver: {json.dumps(last)}\n{explain()}")
            return last if last.get("status") == "finished" else None

        try:
            return wait_for(finished, timeout, f"campaign {slug} to finish", interval=0.5)
        except AssertionError as e:
            if "could not deliver" in str(e):
                raise
            raise AssertionError(f"{e}; last status: {json.dumps(last)}\n{explain()}") from None


# ---------------------------------------------------------------------------------------------
# smtp-sink


class SmtpSink:
    """Postfix's smtp-sink, dumping each received message as one file in `folder`."""

    def __init__(self, logs: Path):
        # As root smtp-sink drops to `nobody`, which cannot enter pytest's 0700 tmp dirs: the
        # mail folder is a world-writable tmp dir of its own, removed by stop().
        self.folder = Path(tempfile.mkdtemp(prefix="outreach-smtp-sink-"))
        os.chmod(self.folder, 0o777)
        self.log_path = logs / "smtp-sink.log"
        self.port = free_port()
        binary = shutil.which("smtp-sink") or shutil.which("smtp-sink", path="/usr/sbin:/usr/lib/postfix/sbin")
        if binary is None:
            raise RuntimeError("smtp-sink not found (Debian package postfix)")
        cmd = [binary]
        if os.geteuid() == 0:
            cmd += ["-u", "nobody"]
        cmd += ["-d", f"{self.folder}/%M.", f"127.0.0.1:{self.port}", "1000"]
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: port_open(self.port) or self.process.poll() is not None, 10, "smtp-sink to listen")
        if self.process.poll() is not None:
            raise RuntimeError(f"smtp-sink exited {self.process.returncode}: {self.output()}")

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def files(self) -> set[str]:
        """Names of the message files so far (a mark for `messages(since=...)`)."""
        return {p.name for p in self.folder.iterdir() if p.is_file()}

    def messages(self, since: set[str] = frozenset()) -> list[email.message.EmailMessage]:
        """Every message received (except the files named in `since`), oldest first, parsed.

        smtp-sink prepends its own trace headers (X-Rcpt-Args: the envelope recipient)."""
        paths = [p for p in self.folder.iterdir() if p.is_file() and p.name not in since]
        out = []
        for path in sorted(paths, key=lambda p: p.stat().st_mtime_ns):
            with open(path, "rb") as f:
                out.append(email.message_from_binary_file(f, policy=email.policy.default))
        return out

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def recipient(msg: email.message.EmailMessage) -> str:
    """The envelope recipient smtp-sink saw (checked against the To header)."""
    envelope = re.findall(r"<([^<>]*)>", str(msg["X-Rcpt-Args"] or ""))
    to = msg["To"]
    header = to.addresses[0].addr_spec.lower() if to is not None and to.addresses else ""
    assert len(envelope) == 1 and envelope[0].lower() == header, \
        f"envelope recipients {envelope} do not match To: {msg['To']}"
    return header


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def html_links(msg: email.message.EmailMessage) -> list[str]:
    """The hrefs of the message's text/html part, entities decoded as a browser would."""
    part = msg.get_body(preferencelist=("html",))
    assert part is not None, f"message to {msg['To']} has no text/html part"
    parser = _Links()
    parser.feed(part.get_content())
    parser.close()
    return parser.hrefs


def list_unsubscribe_url(msg: email.message.EmailMessage) -> str:
    header = msg["List-Unsubscribe"]
    assert header, f"message to {msg['To']} has no List-Unsubscribe header"
    urls = [u for u in re.findall(r"<([^<>]+)>", str(header)) if u.startswith(("https://", "http://"))]
    assert urls, f"List-Unsubscribe has no http(s) URL: {header!r}"
    return urls[0]


# ---------------------------------------------------------------------------------------------
# The daemon


class Daemon:
    """`outreach serve`, stopped with SIGTERM."""

    def __init__(self, cli: Outreach, folder: Path, http_port: int):
        self.port = http_port
        # The staff listener on a port of its own (tests and engineers run side by side).
        env = dict(cli.env)
        env.setdefault("OUTREACH_STAFF_BIND", f"127.0.0.1:{free_port()}")
        self.staff_port = int(env["OUTREACH_STAFF_BIND"].rsplit(":", 1)[1])
        self.log_path = folder / "serve.log"
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([cli.binary, "--database", str(cli.database), "serve"],
                                        cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT)

        def ready():
            if self.process.poll() is not None:
                return True
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/u/ping", timeout=1)
            except urllib.error.HTTPError:
                return True  # any HTTP answer (the 404 page) means it is serving
            except OSError:
                return False
            return True

        wait_for(ready, 30, "outreach serve to answer HTTP")
        if self.process.poll() is not None:
            raise RuntimeError(f"outreach serve exited {self.process.returncode}:\n{self.output()}")

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def outreach_bin() -> str:
    binary = os.environ.get("OUTREACH_BIN") or str(REPO / ".build" / "debug" / "outreach")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"outreach binary {binary} not found: run `swift build` first or set OUTREACH_BIN")
    return binary


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


class Browser:
    """A phone-sized headless Chromium driven by the system chromedriver."""

    def __init__(self, screenshots: Path):
        # Never let selenium-manager look anything up: the driver and browser are given explicitly.
        os.environ.setdefault("SE_OFFLINE", "true")
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=412,915",
                    "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check"):
            options.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(30)
        # Headless Chromium will not make a window narrower than 500 px: emulate the phone's
        # viewport (412 x 915 CSS px, a Pixel-sized screen) so the pages lay out as on a phone.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": 412, "height": 915, "deviceScaleFactor": 1, "mobile": True})
        self.user_agent = self.driver.execute_script("return navigator.userAgent")
        self.screenshots = screenshots
        self.saved: list[Path] = []

    def accept_language(self, value: str):
        """What the browser sends as Accept-Language from now on (only the 404 page uses it)."""
        self.driver.execute_cdp_cmd("Emulation.setUserAgentOverride",
                                    {"userAgent": self.user_agent, "acceptLanguage": value})

    def open(self, url: str):
        self.driver.get(url)

    @property
    def lang(self) -> str:
        return self.driver.execute_script("return document.documentElement.getAttribute('lang')")

    def h1(self) -> str:
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the page is wider than the phone's viewport (0 = none)."""
        return self.driver.execute_script(
            "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth")

    def submit(self, locator=None):
        """Clicks the form's submit button and waits for the answer page to replace this one."""
        from selenium.webdriver.common.by import By
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        button = self.driver.find_element(*(locator or (By.CSS_SELECTOR, "form button[type=submit]")))
        # A mark on this page's window: the answer page is a new document without it. (Waiting for
        # the old <html> element to go stale raced with ChromeDriver: asked about an element in the
        # middle of the navigation, it can answer "Node with given id does not belong to the
        # document", an error staleness_of does not take as stale.)
        self.driver.execute_script("window.outreachFormPage = true")
        button.click()
        WebDriverWait(self.driver, 15, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script("return window.outreachFormPage === undefined && document.readyState === 'complete'"))

    def screenshot(self, name: str) -> Path:
        """The whole page (not just the viewport) as test-artifacts/screenshots/NAME.png."""
        import base64

        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        viewport = metrics.get("cssLayoutViewport") or metrics["layoutViewport"]
        width = max(size["width"], viewport["clientWidth"])
        height = max(size["height"], viewport["clientHeight"])
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        path = self.screenshots / f"{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        self.saved.append(path)
        return path

    def quit(self):
        self.driver.quit()


@pytest.fixture(scope="session")
def browser(screenshots):
    b = Browser(screenshots)
    yield b
    b.quit()
