#!/usr/bin/env python3
"""The peer of `minehaz bench`: five of minehaz's checks done the way a GIS analyst would in
GeoPandas (shapely 2 STRtree, pyogrio), on the same survey package, as one whole process.

    pip install geopandas pyogrio
    python3 bench/geopandas_check.py target/bench-mines/mine-x1

1. zones join: workings meeting no-mining zones (in plan and in elevation);
2. licence: workings outside the licence polygon (holes count), with the farthest outside
   distance (largest distance of a vertex of the outside part);
3. faces near water goafs: active heading faces within the exploration offset of a water goaf
   (30 m reliable, 60 m not);
4. fault pillars: workings closer than the pillar width to a water-conducting fault;
5. positioning: fixes farther than 50 m from every declared existing or active working.

Prints the counts, `read_seconds`, and `seconds` (everything after the imports). `minehaz
bench` times this script as a whole process beside `minehaz check`.
"""
import os
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely


def z_range(geoms):
    """min and max z of every line."""
    lo = np.empty(len(geoms))
    hi = np.empty(len(geoms))
    for i, g in enumerate(geoms):
        z = shapely.get_coordinates(g, include_z=True)[:, 2]
        lo[i], hi[i] = z.min(), z.max()
    return lo, hi


def main() -> int:
    t0 = time.perf_counter()
    d = sys.argv[1]
    gpkg = os.path.join(d, "layers.gpkg")
    w = pyogrio.read_dataframe(gpkg, layer="workings")
    zones = pyogrio.read_dataframe(gpkg, layer="zones")
    goaf = pyogrio.read_dataframe(gpkg, layer="goaf")
    faults = pyogrio.read_dataframe(gpkg, layer="faults")
    lic = pyogrio.read_dataframe(gpkg, layer="licence")
    fixes = pd.read_csv(os.path.join(d, "monitoring", "positioning.csv"))
    t_read = time.perf_counter() - t0

    # 1. workings in no-mining zones, in plan and elevation.
    nm = zones[zones["class"] == "no_mining"]
    j = gpd.sjoin(w[["id", "geometry"]], nm[["id", "z_floor", "z_roof", "geometry"]], predicate="intersects")
    lo, hi = z_range(w.geometry.values)
    wl, wh = lo[j.index.values], hi[j.index.values]
    ok = (j["z_floor"].isna() | (wh >= j["z_floor"])) & (j["z_roof"].isna() | (wl <= j["z_roof"]))
    n_zone = int(ok.sum())

    # 2. outside the licence, farthest outside distance.
    area = lic.geometry.values[0]
    shapely.prepare(area)
    out_mask = ~shapely.covers(area, w.geometry.values)
    outside = shapely.difference(w.geometry.values[out_mask], area)
    far = []
    for g in outside:
        pts = shapely.points(shapely.get_coordinates(g))
        far.append(float(shapely.distance(pts, area).max()) if len(pts) else 0.0)
    n_out = int(out_mask.sum())

    # 3. active heading faces within the exploration offset of water goafs.
    heads = w[(w["kind"] == "heading") & (w["status"] == "active")]
    faces = shapely.points([shapely.get_coordinates(g)[-1] for g in heads.geometry.values])
    wg = goaf[goaf["water"] == 1]
    offset = np.where(wg["reliable"].values == 1, 30.0, 60.0)
    tree = shapely.STRtree(wg.geometry.values)
    fi, gi = tree.query(faces, predicate="dwithin", distance=60.0)
    dist = shapely.distance(faces[fi], wg.geometry.values[gi])
    n_face = int((dist <= offset[gi]).sum())

    # 4. fault pillars of water-conducting faults.
    wc = faults[faults["water_conducting"] == 1]
    p = wc["pressure_mpa"].values.astype(float)
    width = np.where(np.isnan(p), 20.0, np.maximum(20.0, 0.5 * 4.0 * 3.0 * np.sqrt(3.0 * np.nan_to_num(p) / 0.2)))
    ftree = shapely.STRtree(wc.geometry.values)
    reach = float(width.max()) if len(width) else 0.0
    wi, fj = ftree.query(w.geometry.values, predicate="dwithin", distance=reach)
    dd = shapely.distance(w.geometry.values[wi], wc.geometry.values[fj])
    n_pillar = int((dd < width[fj]).sum())

    # 5. fixes far from declared existing / active workings.
    decl = w[(w["declared"] == 1) & (w["status"] != "planned")]
    dtree = shapely.STRtree(decl.geometry.values)
    pts = shapely.points(fixes["x"].values, fixes["y"].values)
    pi, _ = dtree.query(pts, predicate="dwithin", distance=50.0)
    near = np.zeros(len(pts), dtype=bool)
    near[pi] = True
    n_far = int((~near).sum())

    print(f"zones {n_zone}")
    print(f"outside {n_out} (farthest {max(far) if far else 0.0:.1f} m)")
    print(f"faces near water goaf {n_face}")
    print(f"fault pillars {n_pillar}")
    print(f"far fixes {n_far}")
    print(f"read_seconds {t_read:.3f}")
    print(f"seconds {time.perf_counter() - t0:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
