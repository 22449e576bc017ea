#!/usr/bin/env bash
# Generate the sample LiDAR epochs of sample-surveys/open-pit (about 1M points each; too big
# to commit, deterministic). Skipped when they are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! ls sample-surveys/open-pit/pointclouds/*.laz >/dev/null 2>&1; then
  cargo run --quiet --bin gen-samples -- --only open-pit --pointclouds-only
fi
