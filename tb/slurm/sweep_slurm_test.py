#!/usr/bin/python3
"""The Slurm backend of `cssim sweep` against a private single-node Slurm.

Starts munged, slurmctld and slurmd in a temporary directory, on loopback, with free ports of
its own; runs a 6-point GSC sweep (two of whose points fail: a GLB too small) through Slurm
(`--backend slurm --per-task 2 --throttle 2 --wait`) and through the local backend, and checks
that the two databases are equal row for row (every column but wall_s, and the layers table),
that the exit codes agree and that `cssim sweep status` reads the result. The daemons are killed
by PID at the end, also when a check fails. Without slurm-wlm (slurmctld, slurmd, munged) it
prints "SKIPPED: slurm-wlm not installed" and exits 77 (ctest's SKIP_RETURN_CODE).

usage: sweep_slurm_test.py CSSIM_BIN
"""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

SKIP = 77
SBIN = ["/usr/sbin", "/usr/bin"]

SPEC = """name: slurm-test
arch: default
workload: gsc-sparse
energy: 45nm
modes: [dense, sparse-dense]
axes:
  grid:
    - {key: arch.glb.size_kib, values: [1, 128, 256]}
"""


def find(name):
    path = os.environ.get("PATH", "") + ":" + ":".join(SBIN)
    return shutil.which(name, path=path)


def free_ports(n):
    """n distinct free TCP ports on 127.0.0.1 (held open together while they are chosen)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def poll(what, timeout_s, check):
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %g s waiting for %s" % (timeout_s, what))
        time.sleep(0.1)


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def gone(pid):
    """True when pid has ended (a zombie counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def stop(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(gone(p) for p in pids):
        time.sleep(0.05)
    for pid in pids:
        if not gone(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


class Cluster:
    """munged + slurmctld + slurmd in directory `base`."""

    def __init__(self, base):
        self.base = base
        self.pids = []
        self.env = dict(os.environ)
        self.env["SLURM_CONF"] = os.path.join(base, "slurm.conf")

    def log_tail(self):
        out = []
        for name in ("munged.log", "slurmctld.log", "slurmd.log"):
            path = os.path.join(self.base, "log", name)
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    out.append("--- %s\n%s" % (name, "".join(f.readlines()[-15:])))
        return "\n".join(out)

    def start(self):
        b = self.base
        for d in ("run", "log", "munge", "state", "spool"):
            os.makedirs(os.path.join(b, d))
            os.chmod(os.path.join(b, d), 0o755)
        os.chmod(os.path.join(b, "munge"), 0o700)
        key = os.path.join(b, "munge", "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o400)
        subprocess.run(
            [find("munged"), "--socket=%s/run/munge.sock" % b, "--key-file=" + key,
             "--pid-file=%s/run/munged.pid" % b, "--log-file=%s/log/munged.log" % b,
             "--seed-file=%s/munge/munged.seed" % b],
            check=True, timeout=20)
        self.pids.append(poll("munged's pid file", 10, lambda: read_pid(b + "/run/munged.pid")))

        ctld_port, slurmd_port = free_ports(2)
        conf = CONF.format(base=b, ctld_port=ctld_port, slurmd_port=slurmd_port,
                           hostname=socket.gethostname(), cpus=os.cpu_count() or 1)
        with open(self.env["SLURM_CONF"], "w") as f:
            f.write(conf)
        subprocess.run([find("slurmctld"), "-f", self.env["SLURM_CONF"]], env=self.env,
                       check=True, timeout=20)
        subprocess.run([find("slurmd"), "-f", self.env["SLURM_CONF"], "-N", "localhost"],
                       env=self.env, check=True, timeout=20)
        # Both pid files at once: a daemon deletes its own when it exits.
        pids = poll("the daemons' pid files", 15, lambda: (
            read_pid(b + "/run/slurmctld.pid") and read_pid(b + "/run/slurmd.pid") and
            [read_pid(b + "/run/slurmctld.pid"), read_pid(b + "/run/slurmd.pid")]))
        self.pids += pids

        def idle():
            r = subprocess.run([find("sinfo"), "-h", "-o", "%T"], env=self.env,
                               capture_output=True, text=True, timeout=10)
            return r.returncode == 0 and r.stdout.strip() == "idle"
        poll("the node to be idle (sinfo)", 30, idle)

    def stop(self):
        # Jobs still queued on this private controller (a failed run) go first, so that no task
        # outlives the daemons; then the daemons, by PID.
        if len(self.pids) == 3:
            try:
                subprocess.run([find("scancel"), "--user=%d" % os.geteuid()], env=self.env,
                               capture_output=True, timeout=10)
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    r = subprocess.run([find("squeue"), "-h", "-o", "%i"], env=self.env,
                                       capture_output=True, text=True, timeout=10)
                    if r.returncode != 0 or not r.stdout.strip():
                        break
                    time.sleep(0.1)
            except (OSError, subprocess.SubprocessError):
                pass
        stop(self.pids)


CONF = """ClusterName=cssimtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={base}/run/munge.sock
SlurmUser=root
SlurmdUser=root
StateSaveLocation={base}/state
SlurmdSpoolDir={base}/spool
SlurmctldPidFile={base}/run/slurmctld.pid
SlurmdPidFile={base}/run/slurmd.pid
SlurmctldLogFile={base}/log/slurmctld.log
SlurmdLogFile={base}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MaxArraySize=10001
NodeName=localhost NodeAddr=127.0.0.1 NodeHostname={hostname} CPUs={cpus} RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""


def rows(db, sql):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def points_without_wall(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(points)") if r[1] != "wall_s"]
        sql = "SELECT %s FROM points ORDER BY idx" % ", ".join('"%s"' % c for c in cols)
        return cols, con.execute(sql).fetchall()
    finally:
        con.close()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    cssim = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="cssim-slurm-test-")
    os.chmod(work, 0o755)
    cluster = None
    try:
        spec = os.path.join(work, "spec.yaml")
        with open(spec, "w") as f:
            f.write(SPEC)

        # Without sbatch on PATH: a one-line input error naming --backend (no Slurm needed).
        r = subprocess.run([cssim, "sweep", spec, "--out", os.path.join(work, "nosbatch"),
                            "--backend", "slurm"], env=dict(os.environ, PATH=work),
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 2, "no sbatch: exit %d, not 2" % r.returncode)
        check(r.stderr == "cssim: error: <input>: --backend: slurm needs sbatch, which is not on "
              "PATH; allowed: local, or slurm with Slurm's sbatch and squeue on PATH\n",
              "no sbatch: stderr %r" % r.stderr)

        daemons = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scancel")
        missing = [d for d in daemons if not find(d)]
        if missing:
            print("SKIPPED: slurm-wlm not installed (no %s)" % ", ".join(missing))
            return SKIP
        if os.geteuid() != 0:
            print("SKIPPED: the private Slurm runs its daemons as root; not root")
            return SKIP

        start = time.monotonic()
        cluster = Cluster(os.path.join(work, "cluster"))
        try:
            cluster.start()
        except Exception:
            print(cluster.log_tail(), file=sys.stderr)
            raise
        print("cluster up in %.1f s" % (time.monotonic() - start))

        local, slurm = os.path.join(work, "local"), os.path.join(work, "slurm")
        env = dict(cluster.env)
        env["PATH"] = env.get("PATH", "") + ":" + ":".join(SBIN)
        t = time.monotonic()
        rl = subprocess.run([cssim, "sweep", spec, "--out", local, "-j", "2"],
                            capture_output=True, text=True, timeout=60)
        print("local: exit %d in %.1f s" % (rl.returncode, time.monotonic() - t))
        t = time.monotonic()
        try:
            rs = subprocess.run([cssim, "sweep", spec, "--out", slurm, "--backend", "slurm",
                                 "--per-task", "2", "--throttle", "2", "--wait"],
                                env=env, capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            print(cluster.log_tail(), file=sys.stderr)
            raise
        print("slurm: exit %d in %.1f s" % (rs.returncode, time.monotonic() - t))
        print(rs.stdout + rs.stderr, end="")
        check(rl.returncode == 3, "local: exit %d, not 3 (two points fail)\n%s" %
              (rl.returncode, rl.stderr))
        check(rs.returncode == rl.returncode, "slurm: exit %d, local %d" %
              (rs.returncode, rl.returncode))
        check("submitted 6 points as Slurm job array " in rs.stdout and
              "(3 tasks of up to 2)" in rs.stdout, "slurm: stdout %r" % rs.stdout)

        ldb, sdb = os.path.join(local, "sweep.sqlite"), os.path.join(slurm, "sweep.sqlite")
        lcols, lrows = points_without_wall(ldb)
        scols, srows = points_without_wall(sdb)
        check(lcols == scols, "columns differ: %s vs %s" % (lcols, scols))
        check(len(lrows) == 6, "local: %d rows, not 6" % len(lrows))
        check(sum(1 for r in lrows if r[lcols.index("status")] == "failed") == 2,
              "local: not 2 failed rows: %s" % lrows)
        for lr, sr in zip(lrows, srows):
            check(lr == sr, "rows differ:\n local %s\n slurm %s" % (lr, sr))
        check(len(srows) == len(lrows), "slurm: %d rows, local %d" % (len(srows), len(lrows)))
        layers = "SELECT * FROM layers ORDER BY point_id, layer"
        ll, sl = rows(ldb, layers), rows(sdb, layers)
        check(len(ll) > 0, "local: no layer rows")
        check(ll == sl, "layers differ: %d local rows, %d slurm rows" % (len(ll), len(sl)))
        for wall in rows(sdb, "SELECT wall_s FROM points"):
            check(wall[0] is not None and wall[0] > 0, "slurm: wall_s %r" % (wall,))

        # The status from the result files and the database, without Slurm on PATH.
        r = subprocess.run([cssim, "sweep", "status", slurm], env=dict(os.environ, PATH=work),
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 0, "status: exit %d: %s" % (r.returncode, r.stderr))
        check(r.stdout == "%s: 6 points\n  result files: 4 done, 2 failed, 0 pending\n"
              "  sweep.sqlite: 4 done, 2 failed, 0 not recorded\n" % slurm,
              "status: %r" % r.stdout)

        # Submitting again runs nothing: every point is recorded.
        r = subprocess.run([cssim, "sweep", spec, "--out", slurm, "--backend", "slurm"],
                           env=env, capture_output=True, text=True, timeout=30)
        check(r.returncode == 3 and "nothing to run" in r.stderr,
              "resubmit: exit %d: %s" % (r.returncode, r.stderr))
        print("PASSED in %.1f s" % (time.monotonic() - start))
        return 0
    except AssertionError as e:
        print("FAILED: %s" % e)
        return 1
    finally:
        if cluster:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
