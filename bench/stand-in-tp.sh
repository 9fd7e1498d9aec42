#!/bin/sh
# The trivial stand-in for `tp` in benchmarks: answers at once, so what is measured is the server.
#   BENCH_TP_OUTPUT_BYTES=N  print N bytes of 100-byte filler lines first (memory runs)
#   BENCH_TP_DELAY=S         sleep S seconds first (the HTTP flood, so calls queue)
#   BENCH_TP_VALID_KEYS=a,b  the health check refuses every other TENSORPOOL_KEY, as tp does (the key flood)
#   BENCH_TP_LOG=file        one line per run: the first argument after --no-input, and the key
[ -n "$BENCH_TP_LOG" ] && printf '%s %s\n' "$2" "$TENSORPOOL_KEY" >> "$BENCH_TP_LOG"
[ -n "$BENCH_TP_DELAY" ] && sleep "$BENCH_TP_DELAY"
if [ -n "$BENCH_TP_VALID_KEYS" ]; then
  case ",$BENCH_TP_VALID_KEYS," in
    *",$TENSORPOOL_KEY,"*) ;;
    *) printf '* Authenticating...\nInvalid API key\n'; exit 1 ;;
  esac
fi
if [ -n "$BENCH_TP_OUTPUT_BYTES" ]; then
  yes 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -c "$BENCH_TP_OUTPUT_BYTES"
fi
echo 'No clusters found.'
