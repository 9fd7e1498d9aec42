#!/bin/sh
# The trivial stand-in for `tp` in benchmarks: answers at once, so what is measured is the server.
#   BENCH_TP_OUTPUT_BYTES=N  print N bytes of 100-byte filler lines first (memory runs)
#   BENCH_TP_DELAY=S         sleep S seconds first (the HTTP flood, so calls queue)
[ -n "$BENCH_TP_DELAY" ] && sleep "$BENCH_TP_DELAY"
if [ -n "$BENCH_TP_OUTPUT_BYTES" ]; then
  yes 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -c "$BENCH_TP_OUTPUT_BYTES"
fi
echo 'No clusters found.'
