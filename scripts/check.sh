#!/usr/bin/env bash
# What CI runs: formatting, clippy with -D warnings, the core-dependency check, the sample
# point clouds (generated, not committed), and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Mesa complains on stderr without a runtime dir (headless CI): give it a private one.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"

scripts/install-deps.sh

echo "== fmt"
cargo fmt --all -- --check

echo "== core must not depend on GPU/UI crates"
leak=$(cargo tree -p minehaz-core -e normal --prefix none | grep -oE '^(wgpu|egui|eframe|winit|naga)[a-z_-]* ' | sort -u || true)
if [[ -n "$leak" ]]; then
  echo "minehaz-core depends on: $leak" >&2
  exit 1
fi

echo "== clippy"
cargo clippy --workspace --all-targets -- -D warnings

echo "== build the tests (and the sample generator, with the same features)"
cargo test --workspace --no-run

echo "== sample point clouds"
scripts/samples.sh

echo "== tests"
cargo test --workspace
