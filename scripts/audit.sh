#!/usr/bin/env bash
# Dependency audit: known vulnerabilities in the locked Python and JavaScript dependencies.
#
#   scripts/audit.sh        exits non-zero when either audit finds a known vulnerability (Python: any
#                           known vulnerability, PyPI's feed has no severities; npm: high or critical)
#                           or cannot look a dependency up: an audit that did not run is not a pass.
#
# Python: pip-audit checks exactly what uv.lock pins (every group, as `uv sync --frozen` installs it)
# against the PyPI advisory database (https://pypi.org). The project itself is skipped: it is not
# published. JavaScript: npm audit checks package-lock.json against the npm registry's advisories.
# Both need the network.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0

requirements="$(mktemp)"
trap 'rm -f "$requirements"' EXIT
"$BIN/uv" export --frozen --all-groups --no-hashes --no-emit-project --no-header --format requirements-txt \
  >"$requirements"

echo "== pip-audit (uv.lock: $(grep -c '==' "$requirements") pinned packages)"
# --no-deps: the exported list is already complete and pinned; --disable-pip: no resolver, no install.
# --strict: a package the advisory service cannot look up fails the audit (it was not audited, so it
# is not known to be clean). PIP_AUDIT_SERVICE=osv uses osv.dev instead of PyPI's advisory feed.
if ! "$BIN/pip-audit" --requirement "$requirements" --no-deps --disable-pip --strict --progress-spinner off \
  --desc off --vulnerability-service "${PIP_AUDIT_SERVICE:-pypi}"; then
  status=1
fi

echo "== npm audit (package-lock.json, high and critical)"
if ! npm audit --audit-level=high --package-lock-only; then
  status=1
fi

exit "$status"
