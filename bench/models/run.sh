#!/bin/sh
# Reproduce the figures of bench/models/README.md: equation-file and .net
# parse speed, the 2-D Brusselator expansion at N = 128, and the BCR import
# (with and without its symbolic Jacobian) beside the Python importer of
# ../shared/workloads/peers2 (bcr_import.py: parse + numeric evaluation,
# then Jacobian terms + C code).
#
#   bench/models/run.sh            # from the repository root or anywhere
#
# The machine is shared: run everything in one go and compare ratios.
set -eu
cd "$(dirname "$0")/../.."
COUNT=${COUNT:-3}
go test -c -o /tmp/symcalc-parser.test ./parser
(cd parser && /usr/bin/time -f 'go benchmarks: user %U s, sys %S s, wall %e s' \
  /tmp/symcalc-parser.test -test.run '^$' \
  -test.bench 'ParseDSL|DSLStatementsOnly|ParseBioNetGenBCR|BCRImportAndJacobian|BrusselatorExpand128' \
  -test.benchtime 5x -test.count "$COUNT" -test.benchmem)

PEER=../shared/workloads/peers2/bcr_import.py
NET=../shared/workloads/bionetgen/bcr/bcr.net
if [ -f "$PEER" ] && [ -f "$NET" ]; then
  if ! /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
    apt-get install -y python3-numpy
  fi
  out=$(mktemp -d)
  for i in $(seq "$COUNT"); do
    /usr/bin/python3 "$PEER" "$NET" "$out" | /usr/bin/python3 -c \
      'import json,sys; d=json.load(sys.stdin); print("peer bcr_import.py: parse+eval %.3f s, Jacobian terms + C generation %.3f s" % (d["t_parse_eval_s"], d["t_gen_c_s"]))'
  done
  rm -rf "$out"
else
  echo "peer skipped: ../shared/workloads is not there"
fi
