#!/usr/bin/env bash
# Run sqlmap (Debian package) against the login form and a logged-in autosave endpoint of a
# throwaway Profiler on 127.0.0.1 with demo data. Not part of `make test`; see docs/security.md.
#
#   bash scripts/sqlmap.sh            # level 2 / risk 1, at most ~10 minutes per target
#   LEVEL=3 RISK=2 bash scripts/sqlmap.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
LEVEL="${LEVEL:-2}"
RISK="${RISK:-1}"
LIMIT="${LIMIT:-900}"   # seconds per sqlmap run

if ! command -v sqlmap >/dev/null 2>&1; then
  echo "Installing Debian's sqlmap..."
  if [ "$(id -u)" = 0 ]; then apt-get install -y sqlmap >/dev/null; else sudo apt-get install -y sqlmap >/dev/null; fi
fi

WORK="$(mktemp -d /tmp/profiler-sqlmap.XXXXXX)"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
export PROFILER_DATABASE_URL="sqlite:///$WORK/profiler.db"
export PROFILER_EMBEDDED_SCHEDULER=0
export PROFILER_MAIL_BACKEND=memory
cd "$ROOT"

echo "== database and demo data in $WORK"
.venv/bin/flask --app wsgi db upgrade >/dev/null 2>&1
.venv/bin/flask --app wsgi seed-demo >/dev/null

echo "== Profiler on $BASE (rate limiting off, or sqlmap would only see 429s)"
"$PY" - "$PORT" >"$WORK/server.log" 2>&1 <<'PYEOF' &
import sys
from werkzeug.serving import run_simple
from profiler import create_app
app = create_app("config.Development", RATELIMIT_ENABLED=False, EMBEDDED_SCHEDULER=False)
run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=True)
PYEOF
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

csrf() {  # csrf <cookie jar> <url>
  curl -fs -b "$1" -c "$1" "$2" | grep -o 'name="csrf_token" [^>]*value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'
}

echo "== logging in as the demo client sanne@profiler.test"
JAR="$WORK/cookies.txt"
TOKEN="$(csrf "$JAR" "$BASE/login")"
curl -fs -b "$JAR" -c "$JAR" -o /dev/null -w "login: %{http_code}\n" \
  --data-urlencode "email=sanne@profiler.test" --data-urlencode "password=profiler-demo-2026" \
  --data-urlencode "csrf_token=$TOKEN" "$BASE/login"
SESSION="$(awk '$6 == "session" {print $7}' "$JAR")"
EXERCISE_URL="$BASE/me/exercises/self_image"
curl -fs -b "$JAR" -o /dev/null -w "exercise page: %{http_code}\n" "$EXERCISE_URL"

COMMON=(--batch --flush-session --level "$LEVEL" --risk "$RISK"
        --output-dir "$WORK/sqlmap" --csrf-token csrf_token --disable-coloring
        --dbms SQLite)  # the throwaway database is SQLite: other dialects cannot apply

echo "== sqlmap: login form (email, password)"
timeout "$LIMIT" sqlmap "${COMMON[@]}" -u "$BASE/login" \
  --data "email=sanne@profiler.test&password=guess&csrf_token=x" -p "email,password" \
  --csrf-url "$BASE/login" 2>&1 | tee "$WORK/login.txt" | grep -E "injectable|vulnerable|CRITICAL|WARNING.*not|all tested" || true

echo "== sqlmap: logged-in autosave (POST $EXERCISE_URL, Accept: application/json)"
timeout "$LIMIT" sqlmap "${COMMON[@]}" -u "$EXERCISE_URL" \
  --data "f.then_now=test&f.own_words=rustig&_rev-then_now=0&csrf_token=x" -p "f.then_now,f.own_words,_rev-then_now" \
  --cookie "session=$SESSION" --headers "Accept: application/json" \
  --csrf-url "$EXERCISE_URL" 2>&1 | tee "$WORK/autosave.txt" | grep -E "injectable|vulnerable|CRITICAL|WARNING.*not|all tested" || true

echo "== result"
FOUND=0
for target in login autosave; do
  if grep -qE "is vulnerable|sqlmap identified the following injection" "$WORK/$target.txt"; then
    echo "$target: INJECTION FOUND (see $WORK/$target.txt)"; FOUND=1
  elif grep -q "all tested parameters do not appear to be injectable" "$WORK/$target.txt"; then
    echo "$target: no injection found"
  else
    echo "$target: inconclusive (see $WORK/$target.txt)"; FOUND=2
  fi
done
echo "requests seen by the server: $(grep -c '" [0-9][0-9][0-9] ' "$WORK/server.log" || true)"
echo "server errors (500): $(grep -c '" 500 ' "$WORK/server.log" || true)"
exit "$FOUND"
