#!/usr/bin/python3
"""What the Slurm backend costs against the local one, on the same sweep (not a test).

Starts the private single-node Slurm of sweep_slurm_test.py (munged, slurmctld, slurmd on
loopback, in a temporary directory), runs SPEC through it (`--backend slurm --per-task K
--throttle 2 --wait`) and then through the local backend (`-j 2`), prints both wall times and
the ratio, and checks that the two databases are equal row for row (every column but wall_s,
and the layers table). The daemons are stopped by PID at the end.

usage: slurm_bench.py CSSIM_BIN SPEC [K]      (K: points per array task, default 10)
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sweep_slurm_test as t  # noqa: E402  (the cluster and the database readers)


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    cssim, spec = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    per_task = sys.argv[3] if len(sys.argv) == 4 else "10"
    for name in ("munged", "slurmctld", "slurmd", "sbatch"):
        if not t.find(name):
            print("slurm_bench: %s not found (tools/setup installs slurm-wlm and munge)" % name,
                  file=sys.stderr)
            return 2
    work = tempfile.mkdtemp(prefix="cssim-slurm-bench-")
    os.chmod(work, 0o755)
    cluster = t.Cluster(os.path.join(work, "cluster"))
    os.makedirs(cluster.base)
    os.chmod(cluster.base, 0o755)
    try:
        cluster.start()
        runs = {}
        for backend, args in (("slurm", ["--backend", "slurm", "--per-task", per_task,
                                         "--throttle", "2", "--wait"]),
                              ("local", ["-j", "2"])):
            start = time.monotonic()
            r = subprocess.run([cssim, "sweep", spec, "--out", os.path.join(work, backend)] + args,
                               env=cluster.env, capture_output=True, text=True)
            runs[backend] = time.monotonic() - start
            if r.returncode != 0:
                print("slurm_bench: the %s sweep exited %d:\n%s" % (backend, r.returncode,
                                                                   r.stderr[-2000:]),
                      file=sys.stderr)
                return 1
        dbs = [os.path.join(work, b, "sweep.sqlite") for b in ("slurm", "local")]
        points = [t.points_without_wall(db) for db in dbs]
        layers = [t.rows(db, "SELECT * FROM layers ORDER BY point_id, layer") for db in dbs]
        n = len(points[1][1])
        print("slurm backend (%s points per task, 2 at a time)  %7.1f s  %8.0f points/hour" %
              (per_task, runs["slurm"], 3600 * n / runs["slurm"]))
        print("local backend (-j 2)                         %7.1f s  %8.0f points/hour" %
              (runs["local"], 3600 * n / runs["local"]))
        print("slurm / local - 1                            %+7.1f %%" %
              (100 * (runs["slurm"] / runs["local"] - 1)))
        same = points[0] == points[1] and layers[0] == layers[1]
        print("databases: %d points, %d layer rows, %s" %
              (n, len(layers[1]), "equal row for row" if same else "DIFFERENT"))
        return 0 if same else 1
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
