#!/usr/bin/env bash
# The GitHub Action's work (action.yml), runnable anywhere: install routelint from ROUTELINT_SOURCE
# into its own virtual environment, print GitHub annotations, write SARIF, report both in
# $GITHUB_OUTPUT. Exit code: routelint's (0 clean, 1 findings, 2 error), or 0 for findings when
# INPUT_FAIL_ON_FINDINGS is "false".
#
# Environment: ROUTELINT_SOURCE (a checkout of routelint; default: this script's repository),
# INPUT_PATHS (default "."), INPUT_ARGS, INPUT_SARIF_FILE (default routelint.sarif),
# INPUT_FAIL_ON_FINDINGS (default "true"), RUNNER_TEMP (where the virtual environment goes),
# GITHUB_OUTPUT (optional).
set -euo pipefail

source_dir="${ROUTELINT_SOURCE:-$(cd "$(dirname "$0")/.." && pwd)}"
sarif="${INPUT_SARIF_FILE:-routelint.sarif}"
read -r -a paths <<< "${INPUT_PATHS:-.}"
read -r -a extra <<< "${INPUT_ARGS:-}"
python="${ROUTELINT_PYTHON:-python3}"

venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/routelint-venv"
if [ ! -x "$venv/bin/routelint" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$source_dir"
fi
routelint="$venv/bin/routelint"
"$routelint" --version

status=0
"$routelint" check --format github "${extra[@]}" "${paths[@]}" || status=$?
# the SARIF run never fails the step by itself: the upload must see the findings
"$routelint" check --format sarif --exit-zero --output-file "$sarif" "${extra[@]}" "${paths[@]}" || {
  code=$?; echo "routelint: writing SARIF failed (exit $code)" >&2; exit "$code"; }

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "sarif-file=$sarif"; echo "exit-code=$status"; } >> "$GITHUB_OUTPUT"
fi
if [ "$status" -eq 1 ] && [ "${INPUT_FAIL_ON_FINDINGS:-true}" = "false" ]; then
  exit 0
fi
exit "$status"
