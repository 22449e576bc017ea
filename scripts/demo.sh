#!/usr/bin/env bash
# The main job on the sample coal mine: install what is missing, build, check the mine against
# the rules (RULES.md), write the derived lines for QGIS, and import it into a GeoPackage project
# store (target/coal-mine.gpkg), design the advance drilling of the headings that need it
# (PLANNING.md) into the store, and verify its audit chain. The sample has planted
# violations, so `check` reports major findings (its exit code is 1 by design).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cargo build --release --bin minehaz
mh=./target/release/minehaz
status=0
$mh check sample-surveys/coal-mine || status=$?
if [[ $status -gt 1 ]]; then exit "$status"; fi
$mh derive sample-surveys/coal-mine --out target/coal-mine-derived.gpkg --force
$mh import sample-surveys/coal-mine --out target/coal-mine.gpkg --force
$mh plan target/coal-mine.gpkg --into target/coal-mine.gpkg
$mh audit verify target/coal-mine.gpkg
