#!/bin/bash
# idle-cpu.sh BINARY quiet|demo [SECONDS]: the dashboard's CPU while nobody
# types, in % of one core, from /proc/PID/stat (utime + stime) over SECONDS
# after 15 s of start-up. quiet = the wallet alone against `qiwidash sandbox`
# with refresh off; demo = `--demo` (its world moves every 15 s).
# Needs tmux. Build first: go build -o /tmp/qd .
set -euo pipefail
BIN=$1 MODE=$2 SECS=${3:-60}
S=idle-$$
tmp=$(mktemp -d)
export XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state XDG_CACHE_HOME=$tmp/cache
SB=
cleanup() { tmux kill-session -t "$S" 2>/dev/null || true; [ -n "$SB" ] && kill "$SB" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
env=(env XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME" XDG_STATE_HOME="$XDG_STATE_HOME")
if [ "$MODE" = quiet ]; then
  PORT=$((20000 + RANDOM % 10000))
  "$BIN" sandbox --addr 127.0.0.1:$PORT >"$tmp/sandbox.txt" 2>&1 &
  SB=$!
  sleep 2
  TOKEN=$(awk '/^token:/{print $2}' "$tmp/sandbox.txt")
  tmux new -d -s "$S" -x 80 -y 24 "${env[*]} QIWI_TOKEN=$TOKEN $BIN --base-url http://127.0.0.1:$PORT --refresh 0"
else
  tmux new -d -s "$S" -x 80 -y 24 "${env[*]} $BIN --demo"
fi
sleep 15
PID=$(tmux list-panes -t "$S" -F '#{pane_pid}') # env execs the binary
read -r U1 S1 <<<"$(awk '{print $14, $15}' /proc/"$PID"/stat)"
sleep "$SECS"
read -r U2 S2 <<<"$(awk '{print $14, $15}' /proc/"$PID"/stat)"
HZ=$(getconf CLK_TCK)
TICKS=$(((U2 - U1) + (S2 - S1)))
awk -v t=$TICKS -v h="$HZ" -v s="$SECS" -v m="$MODE" 'BEGIN{printf "%s: %d ticks in %ds = %.2f%% of a core\n", m, t, s, 100*t/h/s}'
