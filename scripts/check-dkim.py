#!/usr/bin/env python3
"""Verifies the DKIM signatures of .eml files with dkimpy (and PyNaCl for ed25519), an
independent verifier, offline: the public keys come from the TXT records given, as
`outreach dkim keygen` prints them (`SEL._domainkey.DOMAIN IN TXT "v=DKIM1; k=rsa; p=..."`).
Prints one JSON object per file: per signature its a=, s=, h= and whether it verifies, and
whether it still verifies after tampering (Subject changed; a second From, Subject or
List-Unsubscribe added on top; the body changed).
Usage: check-dkim.py RECORDS_FILE FILE_OR_DIR..."""
import json
import os
import re
import sys

import dkim


def load_records(path):
    records = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or " IN TXT " not in line:
            continue
        name = line.split()[0].rstrip(".").lower()
        records[name] = "".join(re.findall(r'"([^"]*)"', line)).encode()
    return records


def signature_headers(raw):
    """The DKIM-Signature headers' tags, top to bottom."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    fields = re.split(rb"\r\n(?![ \t])", head)
    sigs = []
    for f in fields:
        name, _, value = f.partition(b":")
        if name.strip().lower() != b"dkim-signature":
            continue
        value = re.sub(rb"\s+", b"", value).decode()
        tags = dict(t.split("=", 1) for t in value.split(";") if "=" in t)
        sigs.append(tags)
    return sigs


def tampered(raw):
    """The message with one change each that a valid signature must not survive."""
    head, body = raw.split(b"\r\n\r\n", 1)
    # Insert after the signatures: on top of the signed header fields.
    fields = re.split(rb"(?<=\r\n)(?![ \t])", head + b"\r\n")
    n = sum(1 for f in fields if f.lower().startswith(b"dkim-signature:"))
    top, rest = b"".join(fields[:n]), b"".join(fields[n:])

    def added(field):
        return top + field + b"\r\n" + rest + b"\r\n" + body

    subject = re.sub(rb"(?m)^Subject: ", b"Subject: [changed] ", raw, count=1)
    return {
        "subject changed": subject,
        "second From": added(b"From: someone@attacker.example"),
        "second Subject": added(b"Subject: Win a prize"),
        "second List-Unsubscribe": added(b"List-Unsubscribe: <https://attacker.example/u/x>"),
        "body changed": head + b"\r\n\r\nP.S. changed\r\n" + body,
    }


def verifies(raw, idx, dnsfunc):
    try:
        return bool(dkim.DKIM(raw).verify(idx=idx, dnsfunc=dnsfunc))
    except Exception:
        return False


def check(path, dnsfunc):
    raw = open(path, "rb").read()
    sigs = signature_headers(raw)
    out = {"file": os.path.basename(path), "signatures": []}
    variants = tampered(raw)
    for i, tags in enumerate(sigs):
        out["signatures"].append({
            "a": tags.get("a"),
            "s": tags.get("s"),
            "d": tags.get("d"),
            "c": tags.get("c"),
            "h": tags.get("h", "").lower().split(":"),
            "valid": verifies(raw, i, dnsfunc),
            "valid_after": {k: verifies(v, i, dnsfunc) for k, v in variants.items()},
        })
    return out


def main():
    records = load_records(sys.argv[1])

    def dnsfunc(name, timeout=5):
        return records.get(name.decode().rstrip(".").lower())

    files = []
    for arg in sys.argv[2:]:
        if os.path.isdir(arg):
            files += sorted(os.path.join(arg, f) for f in os.listdir(arg) if f.endswith(".eml"))
        else:
            files.append(arg)
    print(json.dumps([check(f, dnsfunc) for f in files], ensure_ascii=False))


if __name__ == "__main__":
    main()
