# faultserver.sh — sourced by the shell tests that need the fault server.
# faultserver_start FAULTSERVER WORKDIR starts it, serving while file
# descriptor 3 stays open, and sets fspid and port (exits 1 if it fails).
faultserver_start() {
  mkfifo "$2/stdin"
  "$1" <"$2/stdin" >"$2/port" 2>&1 &
  fspid=$!
  exec 3>"$2/stdin" # the server serves while its stdin is open
  for _ in $(seq 50); do [ -s "$2/port" ] && break; sleep 0.1; done
  port=$(head -n 1 "$2/port")
  [ -n "$port" ] || { echo "fault server did not start"; exit 1; }
}
