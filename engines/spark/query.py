"""The same SQL as `minehaz rollup query DIR "SQL"`, in Spark SQL (local mode or a cluster).

    python3 engines/spark/query.py DIR "SELECT county, COUNT(*) AS n FROM mines GROUP BY county"

Registers the roll-up's `mines` and `findings` (the GeoParquet files in DIR) as views and
prints the answer as a JSON array of objects (geometry columns as hex WKB; Spark has no
spatial functions here: Apache Sedona's jars are out of reach). The wall time of the Spark
session start and of the query alone go to stderr, so a benchmark can set them side by side.
"""

import json
import os
import sys
import time


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    folder, sql = sys.argv[1], sys.argv[2]
    t0 = time.time()
    from session import session

    spark = session("minehaz-rollup-query")
    spark.sparkContext.setLogLevel("ERROR")
    for table in ("mines", "findings"):
        spark.read.parquet(os.path.join(folder, table + ".parquet")).createOrReplaceTempView(table)
    t1 = time.time()
    rows = [r.asDict(recursive=True) for r in spark.sql(sql).collect()]
    t2 = time.time()

    def plain(v):
        if isinstance(v, (bytes, bytearray)):
            return v.hex()
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if hasattr(v, "isoformat"):
            return v.isoformat()
        return v

    print(json.dumps([{k: plain(v) for k, v in r.items()} for r in rows], ensure_ascii=False, indent=2))
    print("spark session %.2f s, query %.2f s" % (t1 - t0, t2 - t1), file=sys.stderr)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
