# Sourced by the tests that watch the fault server: start_faultserver FS
# WORK starts it on 127.0.0.1, sets fspid and port; it serves while fd 3
# (its stdin) stays open.
start_faultserver() {
  mkfifo "$2/stdin"
  "$1" <"$2/stdin" >"$2/port" 2>&1 &
  fspid=$!
  exec 3>"$2/stdin"
  for _ in $(seq 50); do [ -s "$2/port" ] && break; sleep 0.1; done
  port=$(head -n 1 "$2/port")
}
