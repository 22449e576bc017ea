"""The provincial roll-up on Apache Spark (ROLLUP.md, "Beyond one machine").

Spark distributes and aggregates; minehaz does the spatial work. The inputs (mines) are
grouped by county — the cross-mine rules (licence.overlap, licence.intrudes_neighbour) look at
neighbours, and neighbours share a county far more often than not — and each Spark task runs
`minehaz rollup` on its share, writing GeoParquet part files. The driver then reads every part
with Spark and computes summary.json with Spark SQL, in the same shape as minehaz's own.

    python3 engines/spark/rollup_job.py --minehaz target/release/minehaz --out OUT \
        --as-of 2026-11-29 [--partitions N] INPUT...

Neighbours in different counties: each part's mines.json gives every mine's licence box and
reach (licence and workings) in EPSG:4490; a Spark SQL self-join pairs the mines of different
counties whose reach meets the other's licence box, a second round of tasks runs `minehaz
rollup` on each such pair (parts/cross-NNNNN), and the cross-mine findings of those pair runs
join the findings the summary is computed from. Every pair minehaz's own roll-up compares is
compared here too, once.
"""

import argparse
import json
import os
import subprocess
import sys


def county_of(path):
    """The county of a survey folder (survey.toml) or a store (minehaz info --format json)."""
    toml = os.path.join(path, "survey.toml")
    if os.path.isfile(toml):
        import tomllib

        with open(toml, "rb") as f:
            try:
                m = tomllib.load(f).get("mine", {})
            except tomllib.TOMLDecodeError:
                return ("", "")
        return (m.get("province") or "unknown", m.get("county") or "unknown")
    return ("unknown", "unknown")


def mines_of(inputs):
    out = []
    for i in inputs:
        if os.path.isdir(i) and not os.path.isfile(os.path.join(i, "survey.toml")):
            for name in sorted(os.listdir(i)):
                p = os.path.join(i, name)
                if os.path.isfile(os.path.join(p, "survey.toml")) or p.endswith(".gpkg"):
                    out.append(p)
        else:
            out.append(i)
    return out


def run_part(args):
    """A Spark task: roll up one group of mines with minehaz into its part folder."""
    minehaz, as_of, out, key, paths = args
    part = os.path.join(out, "parts", "part-%05d" % key)
    cmd = [minehaz, "--lang", "en", "rollup", *paths, "--out", part, "--as-of", as_of, "--jobs", "1"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1, 2):
        raise RuntimeError("%s failed: %s" % (" ".join(cmd), r.stderr))
    return part


CROSS_RULES = ("licence.overlap", "licence.intrudes_neighbour")


def run_pair(args):
    """A Spark task: roll up one cross-county pair of mines; only its cross-mine findings count."""
    minehaz, as_of, out, key, a, b = args
    part = os.path.join(out, "parts", "cross-%05d" % key)
    cmd = [minehaz, "--lang", "en", "rollup", a, b, "--out", part, "--as-of", as_of, "--jobs", "1"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1, 2):
        raise RuntimeError("%s failed: %s" % (" ".join(cmd), r.stderr))
    return part


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--minehaz", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--partitions", type=int, default=0)
    a = ap.parse_args()

    from session import session

    spark = session("minehaz-rollup")
    sc = spark.sparkContext
    mines = [os.path.abspath(m) for m in mines_of(a.inputs)]
    groups = {}
    for m in mines:
        groups.setdefault(county_of(m), []).append(m)
    tasks = [(os.path.abspath(a.minehaz), a.as_of, os.path.abspath(a.out), k, paths)
             for k, (_, paths) in enumerate(sorted(groups.items()))]
    n = a.partitions or len(tasks) or 1
    parts = sc.parallelize(tasks, n).map(run_part).collect()

    # The aggregation, in Spark SQL over the parts.
    mp = [os.path.join(p, "mines.parquet") for p in parts if os.path.isfile(os.path.join(p, "mines.parquet"))]
    fp = [os.path.join(p, "findings.parquet") for p in parts if os.path.isfile(os.path.join(p, "findings.parquet"))]
    spark.read.parquet(*mp).createOrReplaceTempView("mines")
    findings = spark.read.parquet(*fp)

    # Neighbours in different parts (counties): pairs from the boxes in the parts' mines.json,
    # in Spark SQL.
    index = []
    for p in parts:
        ip = os.path.join(p, "mines.json")
        if os.path.isfile(ip):
            with open(ip, encoding="utf-8") as f:
                for m in json.load(f):
                    if m.get("bbox") and m.get("reach"):
                        # Pairs within one part were compared by its task: only pairs across parts.
                        index.append((m["mine_id"], p, m["input"], *[float(v) for v in m["bbox"]], *[float(v) for v in m["reach"]]))
    cols = ["mine_id", "part", "input", "bx0", "by0", "bx1", "by1", "rx0", "ry0", "rx1", "ry1"]
    pairs = []
    if index:
        spark.createDataFrame(index, cols).createOrReplaceTempView("boxes")
        q = ("SELECT DISTINCT LEAST(a.input, b.input) AS i, GREATEST(a.input, b.input) AS j FROM boxes a JOIN boxes b "
             "ON a.part <> b.part AND a.rx0 <= b.bx1 AND b.bx0 <= a.rx1 AND a.ry0 <= b.by1 AND b.by0 <= a.ry1 "
             "ORDER BY i, j")
        pairs = [(r.i, r.j) for r in spark.sql(q).collect()]
    if pairs:
        ptasks = [(os.path.abspath(a.minehaz), a.as_of, os.path.abspath(a.out), k, i, j)
                  for k, (i, j) in enumerate(pairs)]
        cross_parts = sc.parallelize(ptasks, min(len(ptasks), n)).map(run_pair).collect()
        cf = [os.path.join(p, "findings.parquet") for p in cross_parts
              if os.path.isfile(os.path.join(p, "findings.parquet"))]
        if cf:
            rules = ", ".join("'%s'" % r for r in CROSS_RULES)
            extra = spark.read.parquet(*cf).where("rule IN (%s)" % rules)
            findings = findings.unionByName(extra)
    findings.createOrReplaceTempView("findings")
    failed = []
    for p in parts:
        with open(os.path.join(p, "summary.json"), encoding="utf-8") as f:
            failed += json.load(f)["failed"]

    def grouped(key_m, key_f):
        out = {}
        q = "SELECT %s AS k, COUNT(*) AS n FROM mines GROUP BY k" % key_m
        for r in spark.sql(q).collect():
            out[r.k] = {"mines": r.n, "majors": 0, "warnings": 0, "levels": {"water": {}, "gas": {}, "burst": {}}, "rules": {}}
        for h in ("water", "gas", "burst"):
            q = "SELECT %s AS k, %s_level AS l, COUNT(*) AS n FROM mines GROUP BY k, l" % (key_m, h)
            for r in spark.sql(q).collect():
                out[r.k]["levels"][h][r.l] = r.n
        q = ("SELECT %s AS k, SUM(CASE WHEN severity = 'major' THEN 1 ELSE 0 END) AS majors, "
             "SUM(CASE WHEN severity = 'major' THEN 0 ELSE 1 END) AS warnings FROM findings GROUP BY k") % key_f
        for r in spark.sql(q).collect():
            if r.k in out:
                out[r.k]["majors"], out[r.k]["warnings"] = r.majors, r.warnings
        q = "SELECT %s AS k, rule, COUNT(*) AS n FROM findings GROUP BY k, rule" % key_f
        for r in spark.sql(q).collect():
            if r.k in out:
                out[r.k]["rules"][r.rule] = r.n
        for v in out.values():
            for h in v["levels"]:
                v["levels"][h] = dict(sorted(v["levels"][h].items()))
            v["rules"] = dict(sorted(v["rules"].items()))
        return dict(sorted(out.items()))

    prov = "COALESCE(NULLIF(province, ''), 'unknown')"
    county = "CONCAT(%s, '/', COALESCE(NULLIF(county, ''), 'unknown'))" % prov
    summary = {
        "format": "minehaz-rollup/1",
        "as_of": a.as_of,
        "mines": spark.sql("SELECT COUNT(*) AS n FROM mines").collect()[0].n,
        "failed": sorted(failed, key=lambda x: (x["input"], x["error"])),
        "by_province": grouped(prov, prov),
        "by_county": grouped(county, county),
        "engine": "spark %s, %d tasks, %d cross-county pairs" % (spark.version, len(tasks), len(pairs)),
    }
    with open(os.path.join(a.out, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=2)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
