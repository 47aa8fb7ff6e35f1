#!/usr/bin/env bash
# Project-local PostgreSQL and Redis for development and tests.
#
#   scripts/services.sh start     start whatever is needed (skips PostgreSQL when DATABASE_URL is set,
#                                 Redis when REDIS_URL is set); installs Debian packages if missing
#   scripts/services.sh stop      stop the project-local servers
#   scripts/services.sh status
#   scripts/services.sh browser   make sure Debian's chromium is installed (browser tests)
#
# PostgreSQL refuses to run as root, so as root the cluster runs as Debian's `postgres` user.
# The cluster is a throwaway: fsync is off for speed. Never point it at real data.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
PG_PORT="${LOCAL_PG_PORT:-54329}"
REDIS_PORT="${LOCAL_REDIS_PORT:-63799}"
PG_DB=cyp
PG_USER=cyp

say() { printf '[services] %s\n' "$*" >&2; }

apt_install() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "Missing Debian package(s) $*, and I cannot install them (need root and apt-get)."
    say "Install them yourself (sudo apt-get install $*), or set DATABASE_URL / REDIS_URL."
    exit 1
  fi
  say "Installing Debian package(s): $*"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

pg_bindir() {
  local dir=""
  if command -v pg_config >/dev/null 2>&1; then dir="$(pg_config --bindir)"; fi
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  fi
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then return 1; fi
  echo "$dir"
}

as_pg_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_datadir() {
  # Inside the project when the postgres user can reach it, else a private folder under /var/tmp.
  local dir="$LOCAL/pgdata"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$LOCAL" 2>/dev/null; then
    dir="/var/tmp/cyp-partnership-$(printf '%s' "$ROOT" | md5sum | cut -c1-10)/pgdata"
  fi
  echo "$dir"
}

start_postgres() {
  local bindir data run
  bindir="$(pg_bindir)" || { apt_install postgresql; bindir="$(pg_bindir)"; }
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  mkdir -p "$LOCAL"
  data="$(pg_datadir)"
  run="$(dirname "$data")/pgrun"
  mkdir -p "$data" "$run"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$data" "$run"; chmod 700 "$data"; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    say "Initialising a PostgreSQL cluster in $data"
    as_pg_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
  fi
  if as_pg_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg_owner "$bindir/pg_ctl" -D "$data" -l "$run/postgresql.log" -w -t 60 \
      -o "-p $PG_PORT -k $run -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
  fi
  local psql=("$bindir/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'")" != "1" ]; then
    "${psql[@]}" -c "CREATE ROLE $PG_USER LOGIN SUPERUSER" >/dev/null
  fi
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='$PG_DB'")" != "1" ]; then
    "${psql[@]}" -c "CREATE DATABASE $PG_DB OWNER $PG_USER" >/dev/null
  fi
}

stop_postgres() {
  local bindir data
  bindir="$(pg_bindir)" || return 0
  data="$(pg_datadir)"
  [ -f "$data/PG_VERSION" ] || return 0
  if as_pg_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "Stopping PostgreSQL"
    as_pg_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
}

start_redis() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  mkdir -p "$LOCAL/redis"
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "Redis already running on 127.0.0.1:$REDIS_PORT"
    return
  fi
  say "Starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$LOCAL/redis" \
    --pidfile "$LOCAL/redis/redis.pid" --logfile "$LOCAL/redis/redis.log" --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return
    sleep 0.1
  done
  say "Redis did not start; see $LOCAL/redis/redis.log"
  exit 1
}

stop_redis() {
  if command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "Stopping Redis"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  start)
    if [ -z "${DATABASE_URL:-}" ]; then start_postgres; else say "DATABASE_URL is set: using it"; fi
    if [ -z "${REDIS_URL:-}" ]; then start_redis; else say "REDIS_URL is set: using it"; fi
    ;;
  stop)
    [ -n "${DATABASE_URL:-}" ] || stop_postgres
    [ -n "${REDIS_URL:-}" ] || stop_redis
    ;;
  status)
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || echo "redis: down"
    "$(pg_bindir)/pg_isready" -h 127.0.0.1 -p "$PG_PORT" || true
    ;;
  browser)
    [ -x /usr/bin/chromium ] || apt_install chromium
    ;;
  *)
    echo "usage: $0 start|stop|status|browser" >&2
    exit 2
    ;;
esac
