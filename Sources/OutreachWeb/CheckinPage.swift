import OutreachModel

/// The check-in page for a phone: camera scanning with the browser's `BarcodeDetector`, a typed
/// code as fallback, and through a lost network the day's roster of code hashes and a queue of
/// scans in `localStorage`, sent when the network is back (the register records each code once,
/// so a scan sent twice is not counted twice).
enum CheckinPage {
    /// Our own script only; the camera's stream plays without a URL.
    static let policy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self'; media-src 'self' blob:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static func html(slug: String, language: StaffLanguage) -> String {
        func t(_ key: String) -> String { attr(StaffText.say("checkin." + key, in: language)) }
        func attr(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
        }
        return """
            <!doctype html>
            <html lang="\(language.rawValue)">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>\(t("title")) · \(attr(slug))</title>
            <style>
            body { font: 18px/1.4 system-ui, sans-serif; margin: 0; padding: 1rem; background: #faf7f2; color: #1f1f1f; }
            video { width: 100%; max-height: 40vh; background: #000; border-radius: 8px; }
            input, button, select { font-size: 1.2rem; padding: .6rem; width: 100%; box-sizing: border-box; margin: .3rem 0; }
            #result { padding: 1rem; border-radius: 8px; margin: .8rem 0; font-weight: 600; min-height: 2rem; }
            #result[data-result="accepted"], #result[data-result="walk-in"] { background: #d7f5dd; } #result[data-result="already-scanned"] { background: #ffe3b3; }
            #result[data-result="revoked"], #result[data-result="forged"], #result[data-result="other-event"], #result[data-result="unknown"] { background: #ffd1d1; }
            #result[data-result="queued"] { background: #dde7ff; }
            details { margin-top: 1.5rem; }
            </style></head>
            <body>
            <main id="checkin" data-event="\(attr(slug))" data-queued="\(t("queued"))" data-unknown="\(t("unknown"))"
                  data-queued-twice="\(t("queued_twice"))">
            <h1>\(t("title"))</h1>
            <p>\(t("camera"))</p>
            <video id="camera" playsinline muted hidden></video>
            <form id="typed" method="post" action="/checkin/\(attr(slug))">
            <label for="code">\(t("code_label"))</label>
            <input id="code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" required>
            <button type="submit">\(t("check"))</button>
            </form>
            <div id="result" role="status" aria-live="assertive"></div>
            <p><span id="waiting">0</span> \(t("waiting"))</p>
            <details><summary>\(t("walk_in_title"))</summary>
            <form id="walk-in" method="post" action="/checkin/\(attr(slug))/walk-in">
            <label for="walk-in-name">\(t("walk_in_name"))</label>
            <input id="walk-in-name" name="name" maxlength="200" autocomplete="off" required>
            <label for="walk-in-email">\(t("walk_in_email"))</label>
            <input id="walk-in-email" name="email" type="email" maxlength="320" autocomplete="off">
            <label for="walk-in-consent">\(t("walk_in_consent"))</label>
            <select id="walk-in-consent" name="consent">
            <option value="" selected>\(t("walk_in_not_asked"))</option><option value="yes">\(t("walk_in_yes"))</option><option value="no">\(t("walk_in_no"))</option>
            </select>
            <button type="submit">\(t("walk_in_add"))</button>
            </form></details>
            </main>
            <script src="/checkin/app.js"></script>
            </body></html>
            """
    }

    static let script = #"""
    "use strict";
    (() => {
      const root = document.getElementById("checkin");
      const event = root.dataset.event;
      const queueKey = "outreach-checkin-queue-" + event, rosterKey = "outreach-checkin-roster-" + event;
      const result = document.getElementById("result"), code = document.getElementById("code");
      let roster = new Set(JSON.parse(localStorage.getItem(rosterKey) || "[]"));
      const canonical = (c) => c.toUpperCase().replace(/[\s-]/g, "");
      const queue = () => JSON.parse(localStorage.getItem(queueKey) || "[]");
      const save = (q) => { localStorage.setItem(queueKey, JSON.stringify(q)); document.getElementById("waiting").textContent = q.length; };
      const show = (kind, text) => { result.dataset.result = kind; result.textContent = text; };
      async function sha256hex(s) {
        const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
        return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
      }
      async function loadRoster() {
        try {
          const r = await fetch("/checkin/" + encodeURIComponent(event) + "/roster", { cache: "no-store" });
          if (!r.ok) return;
          const hashes = (await r.json()).hashes;
          roster = new Set(hashes);
          localStorage.setItem(rosterKey, JSON.stringify(hashes));
        } catch (e) { /* offline: keep the roster we have */ }
      }
      async function post(scan) {
        const body = new URLSearchParams({ code: scan.code, at: scan.at, place: "check-in page" });
        const r = await fetch("/checkin/" + encodeURIComponent(event), { method: "POST", body });
        if (r.status >= 500) throw new Error("server");
        return r.json();
      }
      async function check(raw) {
        const scan = { code: canonical(raw), at: new Date().toISOString() };
        if (!scan.code) return;
        try {
          await sync();
          const answer = await post(scan);
          show(answer.result, answer.message);
        } catch (e) {
          const q = queue();
          if (q.some((s) => s.code === scan.code)) { show("already-scanned", root.dataset.queuedTwice); return; }
          q.push(scan);
          save(q);
          const known = roster.has(await sha256hex(scan.code));
          show(known ? "queued" : "unknown", known ? root.dataset.queued : root.dataset.unknown);
        }
      }
      let syncing = false;
      async function sync() {
        if (syncing) return;
        syncing = true;
        try {
          let q = queue();
          while (q.length > 0) {
            await post(q[0]);  // throws while offline: the rest stays queued
            q = queue().slice(1);
            save(q);
          }
        } finally { syncing = false; }
      }
      document.getElementById("walk-in").addEventListener("submit", async (e) => {
        e.preventDefault();
        const form = e.target;
        try {
          const r = await fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)) });
          const answer = await r.json();
          show(answer.result, answer.message);
          if (r.ok) form.reset();
        } catch (err) { show("unknown", String(err)); }
      });
      document.getElementById("typed").addEventListener("submit", (e) => {
        e.preventDefault();
        check(code.value);
        code.value = "";
        code.focus();
      });
      setInterval(() => { sync().catch(() => {}); }, 2000);
      window.addEventListener("online", () => { sync().catch(() => {}); loadRoster(); });
      save(queue());
      loadRoster();
      if ("BarcodeDetector" in window && navigator.mediaDevices) {
        const video = document.getElementById("camera");
        const detector = new BarcodeDetector({ formats: ["qr_code"] });
        let last = "", lastAt = 0;
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then((stream) => {
          video.srcObject = stream;
          video.hidden = false;
          video.play();
          setInterval(async () => {
            const found = await detector.detect(video).catch(() => []);
            if (found.length === 0) return;
            const value = found[0].rawValue;
            if (value === last && Date.now() - lastAt < 3000) return;
            last = value; lastAt = Date.now();
            check(value);
          }, 250);
        }).catch(() => { /* no camera: typed codes only */ });
      }
    })();
    """#
}
