#!/usr/bin/env bash
# A private, real mail relay for the tests: Postfix's submission service on a loopback port that
# requires STARTTLS and a SASL login (Dovecot's auth service, a password file), relaying every
# message to a next hop (the tests' smtp-sink), with a private CA made here with openssl.
#
#   relay.sh start DIR SUBMISSION_PORT NEXT_HOP_PORT USER PASSWORD [TRANSPORTS]
#                       (prints nothing; DIR/ca.pem is the CA)
#
# TRANSPORTS: a file of Postfix transport(5) lines (`domain  transport:nexthop`) routing some
# domains elsewhere than NEXT_HOP_PORT: a next hop that refuses, or `lmtp:inet:127.0.0.1:PORT`
# (a Dovecot LMTP) for the domain of the bounce address, where Postfix's own delivery reports go.
#   relay.sh stop DIR
#
# Needs root (Postfix's master and Dovecot drop privileges themselves) and the Debian packages
# postfix, dovecot-core and openssl (scripts/setup installs them). Everything lives in DIR.
set -euo pipefail
cmd=$1 dir=$2
export PATH="$PATH:/usr/sbin:/usr/lib/postfix/sbin"

stop() {
  postfix -c "$dir/postfix" stop >/dev/null 2>&1 || true
  doveadm -c "$dir/dovecot/dovecot.conf" stop >/dev/null 2>&1 || true
  # Dovecot's master can take a moment; make sure nothing of this instance is left.
  for pidfile in "$dir/dovecot/run/master.pid" "$dir/postfix/queue/pid/master.pid"; do
    [ -f "$pidfile" ] && kill "$(tr -d ' ' < "$pidfile")" 2>/dev/null || true
  done
}

if [ "$cmd" = stop ]; then stop; exit 0; fi

port=$3 next=$4 user=$5 password=$6 transports=${7:-}
mkdir -p "$dir/postfix/queue" "$dir/postfix/data" "$dir/dovecot/run" "$dir/dovecot/state"

# A private CA and a certificate for localhost / 127.0.0.1 signed by it.
"$(dirname "$0")/../support/private-ca.sh" "$dir" "Outreach test CA"

# Dovecot: only its auth service, answering Postfix on a socket in Postfix's queue.
printf '%s:{PLAIN}%s\n' "$user" "$password" > "$dir/dovecot/passwd"
chmod 644 "$dir/dovecot/passwd"
cat > "$dir/dovecot/dovecot.conf" <<EOF
instance_name = outreach-test-$port
base_dir = $dir/dovecot/run
state_dir = $dir/dovecot/state
log_path = $dir/dovecot/log
protocols = none
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/dovecot/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  unix_listener $dir/postfix/queue/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
service anvil {
  chroot =
}
EOF

# Postfix: a submission port that insists on STARTTLS and a login, relaying to the next hop.
cat > "$dir/postfix/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $dir/postfix/queue
data_directory = $dir/postfix/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = relay.outreach.test
mydestination =
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$next
smtp_tls_security_level = none
smtpd_tls_cert_file = $dir/server.pem
smtpd_tls_key_file = $dir/server.key
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
smtputf8_enable = yes
maillog_file = $dir/postfix/maillog
maillog_file_prefixes = $dir
EOF
if [ -n "$transports" ]; then
  cp "$transports" "$dir/postfix/transport"
  printf 'transport_maps = texthash:%s\n' "$dir/postfix/transport" >> "$dir/postfix/main.cf"
fi
cat > "$dir/postfix/master.cf" <<EOF
$port     inet  n       -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
lmtp      unix  -       -       n       -       -       lmtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

postfix -c "$dir/postfix" set-permissions >/dev/null 2>&1 || true
postfix -c "$dir/postfix" start </dev/null >/dev/null 2>"$dir/postfix-start.err" || { cat "$dir/postfix-start.err" >&2; exit 1; }
dovecot -c "$dir/dovecot/dovecot.conf" </dev/null >/dev/null 2>&1
# Ready when the submission port answers and Dovecot's socket exists.
for _ in $(seq 1 100); do
  if [ -S "$dir/postfix/queue/private/auth" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then exit 0; fi
  sleep 0.1
done
echo "relay.sh: the relay did not come up; see $dir/postfix/maillog and $dir/dovecot/log" >&2
exit 1
