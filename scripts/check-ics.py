#!/usr/bin/env python3
"""Reads the calendar part of .eml files with python icalendar (an independent RFC 5545 parser)
and prints one JSON object per file: the recipient, the Content-Type's method parameter, and the
calendar's METHOD, UID, SEQUENCE, STATUS, DTSTART (UTC, ISO 8601), ATTENDEE, LOCATION; also the
RSVP links found in the plain-text part. Usage: check-ics.py FILE_OR_DIR..."""
import email
import json
import os
import re
import sys
from datetime import timezone
from email import policy

import icalendar


def check(path):
    msg = email.message_from_bytes(open(path, "rb").read(), policy=policy.default)
    out = {"file": os.path.basename(path), "to": msg["To"].addresses[0].addr_spec, "subject": str(msg["Subject"])}
    plain = msg.get_body(("plain",))
    text = plain.get_content() if plain else ""
    out["text"] = text
    out["rsvp_links"] = re.findall(r"https?://\S+/r/[A-Za-z0-9_~-]{46}\?answer=(?:yes|no)", text)
    for part in msg.walk():
        if part.get_content_type() != "text/calendar":
            continue
        out["method_param"] = part.get_param("method")
        cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        out["method"] = str(cal.get("METHOD"))
        events = [c for c in cal.walk() if c.name == "VEVENT"]
        event = events[0]
        out["uid"] = str(event.get("UID"))
        out["sequence"] = int(event.get("SEQUENCE", 0))
        out["status"] = str(event.get("STATUS")) if event.get("STATUS") else None
        start = event.decoded("DTSTART")
        out["dtstart"] = start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        out["location"] = str(event.get("LOCATION")) if event.get("LOCATION") else None
        attendee = event.get("ATTENDEE")
        out["attendee"] = str(attendee) if attendee else None
    return out


def main():
    paths = []
    for arg in sys.argv[1:]:
        if os.path.isdir(arg):
            paths += [os.path.join(arg, f) for f in sorted(os.listdir(arg)) if f.endswith(".eml")]
        else:
            paths.append(arg)
    print(json.dumps([check(p) for p in paths], ensure_ascii=False))


if __name__ == "__main__":
    main()
