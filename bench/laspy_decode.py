#!/usr/bin/env python3
"""The peer of `minehaz bench --slopes`: decode a LAZ file with laspy and the lazrs backend in
parallel (all cores), as a Python user would read a point cloud.

    pip install laspy lazrs
    python3 bench/laspy_decode.py FILE.laz

Prints {"seconds": decode time after the imports, "points": n}.
"""
import json
import sys
import time

import laspy
import numpy as np

t = time.perf_counter()
las = laspy.read(sys.argv[1], laz_backend=laspy.LazBackend.LazrsParallel)


z = np.asarray(las.z)  # scaled coordinates, as minehaz delivers them
n = len(las.points)
s = float(z.sum())
print(json.dumps({"seconds": time.perf_counter() - t, "points": n, "zsum": s}))
