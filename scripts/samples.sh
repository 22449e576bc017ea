#!/usr/bin/env bash
# Generate the sample LiDAR epochs of sample-surveys/open-pit (about 1M points each; too big
# to commit, deterministic). Skipped when they are already there. Uses the generator built by
# `cargo test --no-run` when present, so CI compiles the dependencies once.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! ls sample-surveys/open-pit/pointclouds/*.laz >/dev/null 2>&1; then
  if [[ -x target/debug/gen-samples ]]; then
    target/debug/gen-samples --only open-pit --pointclouds-only
  else
    cargo run --quiet --bin gen-samples -- --only open-pit --pointclouds-only
  fi
fi
