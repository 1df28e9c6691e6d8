#!/usr/bin/env bash
# npm run test:systemd: systemd/smppd.service under a real systemd 252 (Debian 12, booted by
# systemd-nspawn through systemd-box.sh), installed with the install blocks of docs/OPERATIONS.md as
# they are written. It starts, delivers a job, reloads, refuses a bad reload visibly, stops with exit 0
# and comes back after SIGKILL. Root only; two to three minutes; not part of `npm test`.
#
#   npm run build && sudo npm run test:systemd
#
# Environment: SYSTEMD_BOX (path of systemd-box.sh; default: shared/tools/systemd-box next to the
# checkout or one level up), BOX (box name, default smppd-unit), KEEP=1 (leave the box up).
set -Eeuo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DOC=$ROOT/docs/OPERATIONS.md
export BOX=${BOX:-smppd-unit}

say() { printf '%s\n' "$*"; }
die() { say "not ok - $*"; exit 1; }

BOXSH=${SYSTEMD_BOX:-}
if [[ -z $BOXSH ]]; then
  for c in "$ROOT/../shared/tools/systemd-box/systemd-box.sh" "$ROOT/../../shared/tools/systemd-box/systemd-box.sh"; do
    [[ -f $c ]] && { BOXSH=$(readlink -f "$c"); break; }
  done
fi
[[ -n $BOXSH && -f $BOXSH ]] || die "systemd-box.sh not found: set SYSTEMD_BOX"
[[ $(id -u) == 0 ]] || die "run as root (systemd-nspawn)"
[[ -f $ROOT/dist/src/main.js ]] || die "no build: npm run build first"

# The fenced sh blocks after the install marker of docs/OPERATIONS.md: the first installs, the second
# checks the config and starts. `npm` (done below on a copy) and `journalctl -f` (never returns) are left out.
doc_block() {
  awk -v want="$1" '/<!-- install:/ { on = 1 } on && /^```sh$/ { n++; inb = 1; next } inb && /^```$/ { inb = 0; if (n == want) exit; next }
    inb && n == want && !/^npm / && !/^journalctl / { print }' "$DOC"
}
INSTALL=$(doc_block 1)
START=$(doc_block 2)
CHECK=$(printf '%s\n' "$START" | sed '/systemctl enable/,$d')
[[ $INSTALL == *smppd.service* && $CHECK == *check-config* && $START == *'enable --now smppd'* ]] ||
  die "the install blocks of docs/OPERATIONS.md were not found"

STAGE=$(mktemp -d)
cleanup() { rm -rf "$STAGE"; [[ ${KEEP:-0} == 1 ]] || "$BOXSH" down >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# The operator's checkout after `npm ci && npm run build && npm prune --omit=dev` (pruned on a copy).
(cd "$ROOT" && cp -a dist node_modules package.json package-lock.json config docs systemd "$STAGE/")
(cd "$STAGE" && timeout 180 npm prune --omit=dev --offline --no-audit --no-fund >/dev/null 2>&1) ||
  say "# npm prune --omit=dev failed; installing with dev dependencies"

say "# $(date +%T) staged"; "$BOXSH" up
box() { "$BOXSH" exec "$1"; }
tar -C "$STAGE" -cf - . | box 'rm -rf /root/smppd-src && mkdir -p /root/smppd-src && tar -C /root/smppd-src -xf -'

# Helpers inside the box: sudo is a no-op (we are root), smppd is the installed CLI.
PRELUDE='set -Eeuo pipefail; sudo() { "$@"; }; smppd() { /usr/bin/node /opt/smppd/dist/src/main.js "$@"; }
fail() { echo "not ok - $*"; systemctl status smppd --no-pager -n 0 || true; journalctl -u smppd --no-pager -n 40 || true; exit 1; }
ok() { echo "ok - $*"; }
ready() { node -e "fetch(\"http://127.0.0.1:9464/readyz\").then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"; }
until_() { local n=$1; shift; for _ in $(seq "$n"); do if eval "$1"; then return 0; fi; sleep 0.5; done; return 1; }
yaml_set() { node --input-type=module -e "
  import { createRequire } from \"node:module\"; import { readFileSync, writeFileSync } from \"node:fs\";
  const { parseDocument } = createRequire(\"/opt/smppd/package.json\")(\"yaml\");
  const f = \"/etc/smppd/smppd.yaml\", doc = parseDocument(readFileSync(f, \"utf8\"));
  $1
  writeFileSync(f, doc.toString());"; }
'

say "# install: docs/OPERATIONS.md, first block"
box "$PRELUDE cd /root/smppd-src; set -x; $INSTALL" || die "the install block failed"
say "ok - installed as docs/OPERATIONS.md says"

say "# edit the config for the box: its Redis, the simulator; the secrets as the Secrets section says"
box "$PRELUDE"'
  yaml_set "
    doc.setIn([\"redis\", \"url\"], \"redis://127.0.0.1:6379\");
    for (const k of [\"username\", \"password\"]) doc.deleteIn([\"redis\", k]);
    doc.get(\"carriers\").items.forEach((c, i) => { c.set(\"host\", \"127.0.0.1\"); c.set(\"port\", 2775 + i); c.delete(\"tls\"); });"
  grep -q "password: { file: /etc/smppd/cmcc.pass }" /etc/smppd/smppd.yaml || fail "the example no longer reads cmcc.pass"
  grep -q "password: { env: SMPP_CUCC_PASSWORD }" /etc/smppd/smppd.yaml || fail "the example no longer reads SMPP_CUCC_PASSWORD"
  install -m 0640 -g smppd /dev/null /etc/smppd/cmcc.pass && echo box-cmcc-secret > /etc/smppd/cmcc.pass
  echo SMPP_CUCC_PASSWORD=box-cucc-secret >> /etc/smppd/smppd.env
  systemd-run --quiet --unit smsc-sim -p Restart=on-failure /usr/bin/node /opt/smppd/dist/src/main.js simulate
  until_ 100 "(exec 3<>/dev/tcp/127.0.0.1/2776) 2>/dev/null" || fail "the simulator did not listen"
  ls -ld /etc/smppd; ls -l /etc/smppd' || die "config edit failed"

say "# the check as root, without the unit's environment, is not the check (why the docs use systemd-run)"
box "$PRELUDE"'
  out=$(smppd check-config -c /etc/smppd/smppd.yaml 2>&1) && fail "root without smppd.env passed: $out"
  echo "$out" | grep -q "SMPP_CUCC_PASSWORD is not set" || fail "unexpected: $out"
  ok "sudo smppd check-config fails every { env: } secret: $out"'

say "# a secret file the service cannot read fails the documented check (it reads as the service)"
box "$PRELUDE"'
  chmod 0600 /etc/smppd/cmcc.pass
  rc=0; out=$( { '"$CHECK"'; } 2>&1) || rc=$?
  chmod 0640 /etc/smppd/cmcc.pass
  [[ $rc == 78 ]] || fail "documented check exited $rc on an unreadable secret: $out"
  echo "$out" | grep -q "EACCES" || fail "no EACCES in: $out"
  ok "documented check, cmcc.pass 0600 root:root: exit 78: $out"'

say "# check and start: docs/OPERATIONS.md, second block"
box "$PRELUDE set -x; $START" || die "the start block failed"
box "$PRELUDE"'
  until_ 120 ready || fail "not ready within 60 s"
  ok "started: $(systemctl show -p ActiveState -p SubState -p User -p MainPID --value smppd | tr "\n" " ")"
  # The documented /etc/smppd mode is the unit'"'"'s ConfigurationDirectoryMode (systemd warns otherwise).
  journalctl -u smppd --no-pager -o cat | grep "ConfigurationDirectory.*mode is different" && fail "/etc/smppd mode differs from the unit"
  out=$(smppd send --to 13800138000 --text "box hello" --wait 30000 2>&1) || fail "no delivery: $out"
  ok "delivered: $(echo "$out" | tail -1)"' || die "start or delivery failed"

say "# a valid reload is applied"
box "$PRELUDE"'
  pid=$(systemctl show -p MainPID --value smppd)
  yaml_set "doc.setIn([\"carriers\", 0, \"tps\"], 400);"
  systemctl reload smppd || fail "systemctl reload exited $?"
  reloaded() { journalctl -u smppd --no-pager -o cat | grep -q "cmcc.tps.*configuration reloaded"; }
  until_ 60 reloaded || fail "no \"configuration reloaded\" with cmcc.tps"
  [[ $(systemctl show -p MainPID --value smppd) == "$pid" ]] || fail "the reload restarted the daemon"
  ok "systemctl reload: exit 0, $(journalctl -u smppd --no-pager -o cat | grep -o "\"applied\":\[[^]]*\]" | tail -1)"' ||
  die "reload failed"

say "# an invalid reload is refused, visibly, and the daemon keeps running its old config"
box "$PRELUDE"'
  pid=$(systemctl show -p MainPID --value smppd)
  cp /etc/smppd/smppd.yaml /root/good.yaml
  yaml_set "doc.setIn([\"carriers\", 0, \"tps\"], \"fast\");"
  rc=0; systemctl reload smppd || rc=$?
  [[ $rc != 0 ]] || fail "systemctl reload exited 0 on an invalid file"
  ok "systemctl reload of an invalid file: exit $rc"
  journalctl -u smppd --no-pager -o cat | grep -q "CONFIG_INVALID: carriers\[0\].tps" || fail "the journal does not say why"
  journalctl -u smppd --no-pager -o cat | grep "CONFIG_INVALID\|Reload failed\|status=78" | tail -3
  journalctl -u smppd --no-pager -o cat | grep -q "reload refused" && fail "SIGHUP was sent despite the failed check"
  [[ $(systemctl is-active smppd) == active && $(systemctl show -p MainPID --value smppd) == "$pid" ]] || fail "the daemon did not keep running"
  install -m 0640 -g smppd /root/good.yaml /etc/smppd/smppd.yaml
  out=$(smppd send --to 13800138001 --text "after refused reload" --wait 30000 2>&1) || fail "no delivery after the refused reload: $out"
  ok "still active, same pid $pid, delivers"' || die "the refused reload was not visible"

say "# stop exits 0"
box "$PRELUDE"'
  systemctl stop smppd
  st=$(systemctl show -p ExecMainCode -p ExecMainStatus -p Result smppd | tr "\n" " ")
  [[ $st == *ExecMainCode=1* && $st == *ExecMainStatus=0* && $st == *Result=success* ]] || fail "stop: $st"
  journalctl -u smppd --no-pager -o cat | grep -q "\"msg\":\"stopped\"" || fail "no \"stopped\" line"
  ok "systemctl stop: $st"' || die "stop failed"

say "# SIGKILL: restarted by systemd"
box "$PRELUDE"'
  systemctl start smppd
  until_ 120 ready || fail "not ready after start"
  pid=$(systemctl show -p MainPID --value smppd); n=$(systemctl show -p NRestarts --value smppd)
  kill -KILL "$pid"
  until_ 120 "[[ \$(systemctl show -p NRestarts --value smppd) == $((n + 1)) ]] && [[ \$(systemctl is-active smppd) == active ]]" || fail "not restarted"
  until_ 120 ready || fail "not ready after the restart"
  out=$(smppd send --to 13800138002 --text "after SIGKILL" --wait 30000 2>&1) || fail "no delivery after restart: $out"
  ok "SIGKILL $pid: restarted as $(systemctl show -p MainPID --value smppd), NRestarts $n -> $(systemctl show -p NRestarts --value smppd), delivers"
  systemctl stop smppd' || die "restart after SIGKILL failed"

say "ok - systemd/smppd.service on $(box 'systemctl --version | head -1')"
