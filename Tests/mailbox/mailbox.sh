#!/usr/bin/env bash
# A private Dovecot IMAP server for the tests: a bounce mailbox on loopback ports, with a password
# file, maildirs in DIR and (with IMAPS_PORT) a private CA made here with openssl.
#
#   mailbox.sh start DIR IMAP_PORT LMTP_PORT USER PASSWORD [IMAPS_PORT]
#       IMAP (plain login allowed; STARTTLS too when IMAPS_PORT is given) and LMTP on 127.0.0.1;
#       with IMAPS_PORT, imaps there and DIR/ca.pem is the CA that signed the certificate.
#       Returns once the IMAP port answers. Prints nothing.
#   mailbox.sh stop DIR                     stops it; no process of this instance is left
#   mailbox.sh deliver DIR USER FILE...     saves each FILE, in order, into USER's INBOX (bytes as they are)
#   mailbox.sh fill DIR USER COUNT FILE     writes COUNT copies of FILE straight into the maildir
#                                           (fast: Dovecot indexes them on the next SELECT)
#   mailbox.sh create DIR USER FOLDER       creates a folder in USER's mailbox
#
# USER is the mailbox's login. LMTP delivers `USER@any.domain` and `USER+detail@any.domain` there (Dovecot
# adds Return-Path and Received at the top); `deliver` (doveadm save) files the bytes as they are.
# Needs root (Dovecot drops privileges itself; mail is owned by nobody) and the Debian packages
# dovecot-core, dovecot-imapd, dovecot-lmtpd and openssl. Everything lives in DIR.
set -euo pipefail
cmd=$1 dir=$2
export PATH="$PATH:/usr/sbin:/usr/bin"
conf="$dir/dovecot.conf"

# The maildir of USER: Dovecot logs users in by their lowercased local part (auth_username_format = %Ln).
maildir() { local u=${1%%@*}; printf '%s/mail/%s' "$dir" "${u,,}"; }

# The state and parent of process $1 ("Z 1"), read by the shell itself; fails once it is gone.
proc_state() {
  local line
  { read -r line < "/proc/$1/stat"; } 2>/dev/null || return 1
  line=${line##*) }
  echo "${line%% *} $(cut_second "$line")"
}
cut_second() { local a b; read -r a b _ <<< "$1"; echo "$b"; }

# Every process of the instance: the master and its descendants.
instance_pids() {
  local all=" $1 " found=1 p pid state ppid
  while [ $found = 1 ]; do
    found=0
    for p in /proc/[0-9]*; do
      pid=${p#/proc/}
      read -r state ppid < <(proc_state "$pid") || continue
      if [[ $all == *" $ppid "* && $all != *" $pid "* ]]; then all+="$pid "; found=1; fi
    done
  done
  echo $all
}

# Whether process $1 still runs (a zombie waiting for a busy init to reap it does not).
running() {
  local state ppid
  read -r state ppid < <(proc_state "$1") || return 1
  [ "$state" != Z ]
}

stop() {
  local pidfile="$dir/run/master.pid" pids="" p master alive
  [ -f "$pidfile" ] || return 0
  master=$(tr -d ' \n' < "$pidfile")
  if [ -n "$master" ] && running "$master"; then pids=$(instance_pids "$master"); fi
  # SIGTERM to the master (what `doveadm stop` sends, without its wait for the pid file).
  [ -n "$pids" ] && kill "$master" 2>/dev/null || true
  # Dovecot's master waits for its children (its log process last); give it a moment, then insist.
  for _ in $(seq 1 50); do
    alive=""
    for p in $pids; do running "$p" && alive+="$p "; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  for p in $alive; do kill -9 "$p" 2>/dev/null || true; done
  rm -f "$pidfile"
}

case "$cmd" in
stop) stop; exit 0 ;;

deliver)
  user=$3; shift 3
  for file in "$@"; do
    doveadm -c "$conf" save -u "$user" -m INBOX < "$file"
  done
  exit 0 ;;

create)
  doveadm -c "$conf" mailbox create -u "$3" "$4"
  exit 0 ;;

fill)
  user=$3 count=$4 file=$5
  box=$(maildir "$user")
  mkdir -p "$box/new" "$box/cur" "$box/tmp"
  # One read, then COUNT writes by the shell itself (no process per message). Messages hold no NUL.
  IFS= read -r -d '' body < "$file" || true
  size=$(stat -c %s "$file")
  now=$(date +%s) host=$(hostname | tr '/:' '__')
  for ((i = 1; i <= count; i++)); do
    # Maildir names: unique per time, process and sequence; S= lets Dovecot skip a stat for the size.
    printf '%s' "$body" > "$box/tmp/$now.M${i}P$$Q$i.$host,S=$size"
  done
  # Written in tmp/, then moved to new/ at once, as a delivery agent does.
  find "$box/tmp" -maxdepth 1 -type f -name "$now.M*P$$Q*" -exec mv -t "$box/new" {} +
  chown -R nobody:nogroup "$dir/mail"
  exit 0 ;;

start) ;;
*) echo "usage: mailbox.sh start|stop|deliver|fill|create DIR ..." >&2; exit 2 ;;
esac

imap=$3 lmtp=$4 user=$5 password=$6 imaps=${7:-}
stop
mkdir -p "$dir/run" "$dir/state" "$dir/mail"
chown nobody:nogroup "$dir/mail"
chmod 755 "$dir"
login=${user%%@*}; login=${login,,}

tls="ssl = no"
if [ -n "$imaps" ]; then
  # A private CA and a certificate for localhost / 127.0.0.1 signed by it.
  "$(dirname "$0")/../support/private-ca.sh" "$dir" "Outreach test mailbox CA"
  tls="ssl = yes
ssl_cert = <$dir/server.pem
ssl_key = <$dir/server.key"
  [ -f /usr/share/dovecot/dh.pem ] && tls+="
ssl_dh = </usr/share/dovecot/dh.pem"
fi

printf '%s:{PLAIN}%s:65534:65534::%s\n' "$login" "$password" "$(maildir "$login")" > "$dir/passwd"
chmod 644 "$dir/passwd"
cat > "$conf" <<EOF
instance_name = outreach-mailbox-$imap
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Ln
$tls
mail_location = maildir:$dir/mail/%u
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 65534
passdb {
  driver = passwd-file
  args = scheme=PLAIN $dir/passwd
}
userdb {
  driver = passwd-file
  args = $dir/passwd
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $imap
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imaps:-0}
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp
  }
}
service pop3-login {
  chroot =
}
service submission-login {
  chroot =
}
service anvil {
  chroot =
}
protocol lmtp {
  postmaster_address = postmaster@localhost
}
EOF

dovecot -c "$conf" </dev/null >/dev/null 2>"$dir/start.err" || { cat "$dir/start.err" >&2; exit 1; }
# Ready when the IMAP port greets (and the imaps port accepts, when there is one).
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$imap" && read -r -t 2 greeting <&3 && [[ $greeting == "* OK"* ]]) 2>/dev/null \
     && { [ -z "$imaps" ] || (exec 3<>"/dev/tcp/127.0.0.1/$imaps") 2>/dev/null; }; then
    exit 0
  fi
  sleep 0.1
done
echo "mailbox.sh: Dovecot did not come up; see $dir/dovecot.log" >&2
cat "$dir/dovecot.log" >&2 2>/dev/null || true
stop
exit 1
