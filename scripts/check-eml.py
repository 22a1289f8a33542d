#!/usr/bin/env python3
"""Parses .eml files with Python's standard email package (policy=default), an independent MIME
parser, and prints one JSON object per file: decoded headers, the parts in order, the calendar
METHOD against its Content-Type, and line-format problems (bare LF, lines over 998 octets).
Usage: check-eml.py FILE_OR_DIR..."""
import email
import json
import os
import sys
from email import policy


def check(path):
    raw = open(path, "rb").read()
    # smtp-sink dumps start with its own X- headers and Received; they are not ours.
    problems = []
    lines = raw.split(b"\r\n")
    for i, line in enumerate(lines[:-1] if raw.endswith(b"\r\n") else lines):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {i + 1}: bare CR or LF")
        if len(line) > 998:
            problems.append(f"line {i + 1}: {len(line)} octets")
    if not raw.endswith(b"\r\n"):
        problems.append("does not end with CRLF")
    msg = email.message_from_bytes(raw, policy=policy.default)
    parts = [p.get_content_type() for p in msg.walk()]
    out = {
        "file": os.path.basename(path),
        "from": str(msg["From"]),
        "from_name": msg["From"].addresses[0].display_name if msg["From"] else None,
        "to": str(msg["To"]),
        "to_name": msg["To"].addresses[0].display_name if msg["To"] else None,
        "to_address": msg["To"].addresses[0].addr_spec if msg["To"] else None,
        "subject": str(msg["Subject"]),
        "date": str(msg["Date"]),
        "message_id": str(msg["Message-ID"]),
        "list_unsubscribe": str(msg["List-Unsubscribe"]) if msg["List-Unsubscribe"] else None,
        "list_unsubscribe_post": str(msg["List-Unsubscribe-Post"]) if msg["List-Unsubscribe-Post"] else None,
        "list_id": str(msg["List-Id"]) if msg["List-Id"] else None,
        "content_language": str(msg["Content-Language"]) if msg["Content-Language"] else None,
        "header_names": [k for k in msg.keys()],
        "bcc": msg.get_all("Bcc"),
        "parts": parts,
        "problems": problems,
        "defects": [str(d) for p in msg.walk() for d in p.defects] + [str(d) for d in msg.defects],
    }
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    out["text"] = plain.get_content() if plain else None
    out["html"] = html.get_content() if html else None
    for p in msg.walk():
        if p.get_content_type() == "text/calendar":
            ics = p.get_content()
            if isinstance(ics, bytes):
                ics = ics.decode("utf-8")
            out["calendar_method_param"] = p.get_param("method")
            method = [l for l in ics.replace("\r\n ", "").splitlines() if l.startswith("METHOD:")]
            out["calendar_method"] = method[0][7:] if method else None
            out["calendar"] = ics
            out["calendar_long_lines"] = [l for l in ics.split("\r\n") if len(l.encode()) > 75]
    return out


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
