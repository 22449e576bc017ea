#!/usr/bin/env bash
# The main job on the sample coal mine: install what is missing, build, show the survey and
# import it into a GeoPackage project store (target/coal-mine.gpkg, opens in QGIS).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cargo build --release --bin minehaz
./target/release/minehaz info sample-surveys/coal-mine
./target/release/minehaz import sample-surveys/coal-mine --out target/coal-mine.gpkg --force
./target/release/minehaz audit verify target/coal-mine.gpkg
