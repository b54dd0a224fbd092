#!/bin/sh
# ab.sh compares two builds of the egraph benchmark on the same rows in
# interleaved runs, so both see the same machine load.
#
#   ab.sh ROUNDS RUNS BIN_A BIN_B ROW...
#
# For each row it runs BIN_A then BIN_B (each "-row ROW -runs RUNS", the
# child reports the CPU seconds of each run), ROUNDS times, and prints
# the median over rounds of each binary's per-invocation median, in ms,
# and the ratio B/A. Build the binaries with, for example,
#
#   git archive COMMIT | tar -x -C /tmp/old && (cd /tmp/old && go build -o /tmp/egb_old ./bench/egraph)
#   go build -o /tmp/egb_new ./bench/egraph
set -eu
rounds=$1 runs=$2 a=$3 b=$4
shift 4
med='import json,sys,statistics; print(statistics.median(json.load(sys.stdin)["CPU"]))'
for row in "$@"; do
	k=0
	while [ "$k" -lt "$rounds" ]; do
		ta=$("$a" -row "$row" -runs "$runs" | python3 -c "$med")
		tb=$("$b" -row "$row" -runs "$runs" | python3 -c "$med")
		printf '%s\t%s\t%s\n' "$row" "$ta" "$tb"
		k=$((k + 1))
	done
done | python3 -c '
import sys, statistics, collections
d = collections.OrderedDict()
for line in sys.stdin:
    row, ta, tb = line.rstrip("\n").split("\t")
    d.setdefault(row, ([], []))
    d[row][0].append(float(ta)); d[row][1].append(float(tb))
for row, (a, b) in d.items():
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"{row:24s} A {ma*1e3:9.3f} ms  B {mb*1e3:9.3f} ms  B/A {mb/ma:.3f}  (rounds {len(a)})")
'
