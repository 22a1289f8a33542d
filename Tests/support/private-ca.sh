#!/usr/bin/env bash
# A private CA and a server certificate for localhost / 127.0.0.1 signed by it, for the tests'
# private servers (relay.sh, mailbox.sh). Libraries ignore SSL_CERT_FILE: pass DIR/ca.pem to
# libcurl with CURLOPT_CAINFO (smtp.ca_file).
#
#   private-ca.sh DIR NAME     writes DIR/ca.pem (CA), DIR/server.pem and DIR/server.key (0600)
set -euo pipefail
dir=$1 name=$2
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$name" \
  -keyout "$dir/ca.key" -out "$dir/ca.pem" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$dir/san.ext"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
  -extfile "$dir/san.ext" -out "$dir/server.pem" >/dev/null 2>&1
chmod 644 "$dir/server.pem" "$dir/ca.pem"; chmod 600 "$dir/server.key"
