#!/usr/bin/env bash
# Dependency audit: known vulnerabilities in the locked Python and JavaScript dependencies.
#
#   scripts/audit.sh   exit 0: both audits ran and found no known vulnerability (Python: any known
#                      vulnerability, PyPI's feed has no severities; npm: high or critical);
#                      exit 1: a known vulnerability was found;
#                      exit 3: an audit could not run (its advisory service was unreachable). That is
#                      NOT a pass: it says so loudly; `.ci/run` reports it without failing the build,
#                      because some build machines cannot reach the advisory services.
#
# Python: pip-audit checks exactly what uv.lock pins (every group, as `uv sync --frozen` installs it)
# against the PyPI advisory database (https://pypi.org), or osv.dev with PIP_AUDIT_SERVICE=osv. The
# project itself is skipped: it is not published. JavaScript: npm audit checks package-lock.json
# against the npm registry's bulk advisory endpoint.
set -uo pipefail

cd "$(dirname "$0")/.."
BIN=.venv/bin
found=0
not_run=()

requirements="$(mktemp)"
npm_out="$(mktemp)"
trap 'rm -f "$requirements" "$npm_out"' EXIT
"$BIN/uv" export --frozen --all-groups --no-hashes --no-emit-project --no-header --format requirements-txt \
  >"$requirements"

service="${PIP_AUDIT_SERVICE:-pypi}"
case "$service" in
  pypi) probe="https://pypi.org/pypi/pip/24.0/json" ;;
  osv) probe="https://api.osv.dev/v1/vulns/GHSA-mq26-g339-26xf" ;;
  *) echo "unknown PIP_AUDIT_SERVICE $service" >&2; exit 2 ;;
esac

echo "== pip-audit (uv.lock: $(grep -c '==' "$requirements") pinned packages, service $service)"
if ! curl -sf -o /dev/null --max-time 20 "$probe"; then
  not_run+=("pip-audit: the $service advisory service is unreachable from here ($probe)")
else
  # --no-deps: the exported list is complete and pinned; --disable-pip: no resolver, no install.
  # --strict: a package the service cannot look up fails the audit (not audited is not clean).
  "$BIN/pip-audit" --requirement "$requirements" --no-deps --disable-pip --strict --progress-spinner off \
    --desc off --vulnerability-service "$service" || found=1
fi

echo "== npm audit (package-lock.json, high and critical)"
npm audit --audit-level=high --package-lock-only >"$npm_out" 2>&1
npm_status=$?
cat "$npm_out"
if grep -q "audit endpoint returned an error" "$npm_out"; then
  not_run+=("npm audit: the registry's advisory endpoint answered with an error")
elif [ "$npm_status" -ne 0 ]; then
  found=1
fi

if [ "$found" -ne 0 ]; then
  echo "DEPENDENCY AUDIT FAILED: a known vulnerability (see above)." >&2
  exit 1
fi
if [ ${#not_run[@]} -gt 0 ]; then
  printf 'DEPENDENCY AUDIT NOT RUN: %s\n' "${not_run[@]}" >&2
  exit 3
fi
echo "Dependency audit: no known vulnerabilities."
