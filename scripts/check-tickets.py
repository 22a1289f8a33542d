#!/usr/bin/env python3
"""Reads the tickets of .eml files the way a recipient's mail program and a phone would: Python's
email package (policy=default) finds each inline image/png part and the HTML that names it by
cid:, and zbarimg (Debian zbar-tools, a decoder we did not write) reads each QR code back.
Prints one JSON object per file: to, subject, the related type, and for each image its
Content-ID, whether the HTML shows it, and the code zbarimg read.
Usage: check-tickets.py FILE_OR_DIR..."""
import email
import json
import os
import subprocess
import sys
import tempfile
from email import policy


def check(path):
    msg = email.message_from_bytes(open(path, "rb").read(), policy=policy.default)
    html = msg.get_body(("html",))
    html_text = html.get_content() if html else ""
    plain = msg.get_body(("plain",))
    images = []
    for part in msg.walk():
        if part.get_content_type() != "image/png":
            continue
        cid = (part["Content-ID"] or "").strip("<> ")
        with tempfile.NamedTemporaryFile(suffix=".png") as f:
            f.write(part.get_content())
            f.flush()
            read = subprocess.run(["zbarimg", "-q", "--raw", f.name], capture_output=True, text=True)
        images.append({"cid": cid, "shown": f"cid:{cid}" in html_text, "code": read.stdout.strip(),
                       "disposition": part.get_content_disposition()})
    return {"file": os.path.basename(path), "to": msg["To"].addresses[0].addr_spec if msg["To"] else None,
            "subject": str(msg["Subject"]), "parts": [p.get_content_type() for p in msg.walk()],
            "defects": [str(d) for p in msg.walk() for d in p.defects],
            "text": plain.get_content() if plain else None, "html": html_text, "images": images}


def main():
    paths = []
    for arg in sys.argv[1:]:
        if os.path.isdir(arg):
            paths += [os.path.join(arg, f) for f in sorted(os.listdir(arg)) if not f.startswith(".")]
        else:
            paths.append(arg)
    print(json.dumps([check(p) for p in paths], ensure_ascii=False))


if __name__ == "__main__":
    main()
