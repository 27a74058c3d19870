#!/bin/bash
# screens.sh BIN WIDTH HEIGHT LOCALE OUTDIR: captures every screen of
# `BIN --demo` in tmux at WIDTH x HEIGHT under LANG=LOCALE, one text file
# per screen in OUTDIR (overview-1, wallet-1..8, agent-1..3, merchant-1,
# live-1, settings-1, settings-help). Two builds' captures compare with
# diff; the Russian ones can be read for English left.
#   go build -o /tmp/qd . && bench/screens.sh /tmp/qd 80 24 ru_RU.UTF-8 /tmp/screens-ru
set -eu
BIN=$1 W=$2 H=$3 L=$4 OUT=$5
mkdir -p "$OUT"
tmux kill-session -t qdscreens 2>/dev/null || true
tmux new -d -s qdscreens -x "$W" -y "$H" "LANG=$L $BIN --demo"
sleep 7 # the demo's sandbox, store and first reads
cap() { sleep 2.5; tmux capture-pane -p -t qdscreens >"$OUT/$1.txt"; }
keys() { tmux send-keys -t qdscreens "$@"; }
cap overview-1
keys 2; cap overview-2
keys ']'
for i in 1 2 3 4 5 6 7 8; do keys "$i"; cap "wallet-$i"; done
keys ']'
for i in 1 2 3; do keys "$i"; cap "agent-$i"; done
keys ']'; cap merchant-1
keys ']'; cap live-1
keys ']'; cap settings-1
keys '?'; cap settings-help
tmux kill-session -t qdscreens
