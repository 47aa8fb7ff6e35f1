#!/usr/bin/env bash
# Backup and restore check for PostgreSQL (docs/operations.md).
#
#   scripts/backup-restore-check.sh [DATABASE_URL]      (default: $DATABASE_URL)
#
# 1. pg_dump --format=custom of the database, taken in a snapshot that stays open;
# 2. counts every table's rows exactly (SELECT count(*)) in that same snapshot, so a live database
#    may keep changing while the check runs;
# 3. creates a fresh database on the same server, pg_restore's the dump into it, counts again;
# 4. drops the fresh database (always, also on failure) and exits 0 only when the list of tables
#    and every count agree. Any difference, or any error on the way, exits non-zero.
#
# Needs pg_dump, pg_restore and psql of the server's major version (or newer), and a role that may
# CREATE DATABASE. Options (environment):
#   BACKUP_CHECK_KEEP_DUMP=path   also keep the dump at this path (e.g. to store it as the backup)
#   BACKUP_CHECK_BEFORE_COMPARE_SQL=sql
#                                 run this SQL in the restored copy before counting. For testing the
#                                 check itself (it must then fail); never set it otherwise.
set -euo pipefail

SOURCE_URL="${1:-${DATABASE_URL:-}}"
if [ -z "$SOURCE_URL" ]; then
  echo "usage: $0 DATABASE_URL (postgres://user:password@host:port/dbname)" >&2
  exit 2
fi
case "$SOURCE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "[backup-check] the database must be given as a postgres:// URL" >&2; exit 2 ;;
esac

say() { printf '[backup-check] %s\n' "$*" >&2; }

# The URL's database name, and the same URL with another database name.
source_db="$(printf '%s' "$SOURCE_URL" | sed -E 's#^[a-z]+://[^/]*/?([^?]*).*#\1#')"
[ -n "$source_db" ] || { say "the URL names no database"; exit 2; }
fresh_db="$(printf '%.40s' "$source_db")_restore_check_$$"
url_for() { printf '%s' "$SOURCE_URL" | sed -E "s#^([a-z]+://[^/]*/)[^?]*#\1$1#"; }
FRESH_URL="$(url_for "$fresh_db")"

work="$(mktemp -d)"
dump="$work/backup.dump"
created=""
holder_pid=""

cleanup() {
  local status=$?
  if [ -n "$holder_pid" ] && kill -0 "$holder_pid" 2>/dev/null; then kill "$holder_pid" 2>/dev/null || true; fi
  if [ -n "$created" ]; then
    psql "$SOURCE_URL" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$fresh_db\" WITH (FORCE)" >/dev/null \
      || say "could not drop $fresh_db: drop it by hand"
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT INT TERM

# Exact row counts of every ordinary table outside the system schemas, one "schema.table count" a line.
COUNT_SQL="SELECT format('%I.%I %s', n.nspname, c.relname,
    (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname),
                                         false, true, '')))[1]::text)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
 ORDER BY 1;"

# 1-2. Hold a repeatable-read transaction open on the source, export its snapshot, dump and count in it.
mkfifo "$work/to_psql" "$work/from_psql"
psql "$SOURCE_URL" -X -q -tA -v ON_ERROR_STOP=1 <"$work/to_psql" >"$work/from_psql" 2>"$work/psql.err" &
holder_pid=$!
exec 3>"$work/to_psql" 4<"$work/from_psql"
printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;" "SELECT pg_export_snapshot();" >&3
if ! IFS= read -r -t 60 snapshot <&4 || [ -z "$snapshot" ]; then
  say "could not open a snapshot on the source: $(cat "$work/psql.err")"
  exit 1
fi

say "dumping $source_db (custom format, snapshot $snapshot)"
pg_dump --format=custom --no-owner --no-privileges --snapshot="$snapshot" --file="$dump" "$SOURCE_URL"

printf '%s\n' "$COUNT_SQL" '\echo __counted__' >&3
: >"$work/source.counts"
while IFS= read -r -t 300 line <&4; do
  [ "$line" = "__counted__" ] && break
  printf '%s\n' "$line" >>"$work/source.counts"
done
[ "$line" = "__counted__" ] || { say "counting the source failed: $(cat "$work/psql.err")"; exit 1; }
printf '%s\n' "COMMIT;" '\q' >&3
exec 3>&- 4<&-
wait "$holder_pid" || { say "the source session failed: $(cat "$work/psql.err")"; exit 1; }
holder_pid=""

if [ -n "${BACKUP_CHECK_KEEP_DUMP:-}" ]; then cp "$dump" "$BACKUP_CHECK_KEEP_DUMP"; fi

# 3. Restore into a fresh database and count there.
say "restoring into a fresh database $fresh_db"
psql "$SOURCE_URL" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$fresh_db\"" >/dev/null
created=1
pg_restore --exit-on-error --no-owner --no-privileges --dbname="$FRESH_URL" "$dump"

if [ -n "${BACKUP_CHECK_BEFORE_COMPARE_SQL:-}" ]; then
  say "running BACKUP_CHECK_BEFORE_COMPARE_SQL in the restored copy (testing the check)"
  psql "$FRESH_URL" -X -q -v ON_ERROR_STOP=1 -c "$BACKUP_CHECK_BEFORE_COMPARE_SQL" >/dev/null
fi
psql "$FRESH_URL" -X -q -tA -v ON_ERROR_STOP=1 -c "$COUNT_SQL" >"$work/restored.counts"

# 4. Compare.
tables="$(wc -l <"$work/source.counts" | tr -d ' ')"
rows="$(awk '{ s += $NF } END { print s + 0 }' "$work/source.counts")"
if [ "$tables" -eq 0 ]; then
  say "the source has no tables: nothing was checked"
  exit 1
fi
if ! diff -u --label "$source_db (source)" --label "$fresh_db (restored)" \
    "$work/source.counts" "$work/restored.counts" >&2; then
  say "FAILED: the restored copy differs from the source (lines above: table and exact row count)"
  exit 1
fi
say "OK: $tables tables, $rows rows, every count equal in the restored copy"
