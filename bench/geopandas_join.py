#!/usr/bin/env python3
"""The workings x polygons intersection join in GeoPandas (shapely 2 STRtree `sjoin`) against
`minehaz bench --join-only` on the same generated data, from one run.

    pip install geopandas pyogrio shapely
    cargo build --release --bin minehaz
    python3 bench/geopandas_join.py            # generates bench/data.gpkg when missing

Both sides are timed after reading the file (the join only), best of 3 runs each; the pair
counts must agree.
"""
import json
import os
import subprocess
import sys
import time

import geopandas as gpd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.join(ROOT, "target", "release", "minehaz")
DATA = os.path.join(HERE, "data.gpkg")


def main() -> int:
    if not os.path.exists(DATA):
        subprocess.run([BIN, "bench", "--write", DATA, "--repeat", "1", "--fixes", "0"], check=True)
    workings = gpd.read_file(DATA, layer="workings", engine="pyogrio")
    polygons = gpd.read_file(DATA, layer="polygons", engine="pyogrio")
    best, pairs = float("inf"), None
    for _ in range(3):
        t = time.perf_counter()
        joined = gpd.sjoin(workings, polygons, predicate="intersects", how="inner")
        best = min(best, time.perf_counter() - t)
        pairs = len(joined)
    out = subprocess.run([BIN, "bench", "--join-only", "--data", DATA, "--repeat", "3"], check=True, capture_output=True, text=True)
    mh = json.loads(out.stdout)
    print(f"data: {len(workings)} working segments x {len(polygons)} polygons")
    print(f"GeoPandas {gpd.__version__} sjoin(intersects): {best:.3f} s, {pairs} pairs")
    print(f"minehaz R-tree join:                 {mh['seconds']:.3f} s, {mh['pairs']} pairs")
    print(f"ratio GeoPandas / minehaz: {best / mh['seconds']:.1f}x")
    if pairs != mh["pairs"]:
        print("pair counts differ!", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
