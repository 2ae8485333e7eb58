// The Slurm backend of `cssim sweep` (--backend slurm). docs/design.md, "Sweeps" (Slurm backend).
//
// SubmitSlurm prepares each point still to run (PreparePointDir, model/sweep/runner.h), writes
// submission n's files to <out>/slurm/: manifest-<n>.txt (the ids to run, one a line, in order),
// manifest-<n>.yaml (those points: index, id, mode, seed, swept values; and the sweep's name and
// columns), task-<n>.sh and collect-<n>.sh, and submits one job array (task i runs lines
// [i*K, (i+1)*K) through RunSlurmTask) and a collect job (CollectSlurm) that starts when every
// task has ended (afterany). Only the submitter (indices) and the collect job (rows) write
// sweep.sqlite. A task leaves, per point, the renamed <id>/ or <id>.tmp/failed.txt (the reason);
// both get wall_s.txt (the point's wall seconds).
#pragma once

#include <ostream>
#include <string>

#include "model/sweep/point.h"

namespace cssim::sweep {

// The file names of the Slurm backend inside a point's directory.
inline constexpr const char* kFailedFile = "failed.txt";
inline constexpr const char* kWallFile = "wall_s.txt";

struct SlurmOptions {
  int per_task = 1;       // points per array task (K)
  int throttle = 0;       // array tasks running at a time (the `%` of --array); 0 = no limit
  std::string partition;  // sbatch --partition; "" = the cluster's default
  bool wait = false;      // poll squeue until the collect job has ended
};

// Submits the points of `m` that a run still has to do (PointsToRun; o.retry_failed as for the
// local backend). Prints the job ids and how to watch. Returns 0 after submitting (nothing to
// run: as RunSweep would); with s.wait, once the collect job has ended, 0 when every point is
// done and 3 otherwise. Throws InputError when sbatch is not on PATH (naming --backend) or
// sbatch refuses the job.
int SubmitSlurm(const SweepManifest& m, const SweepOptions& o, const SlurmOptions& s);

// Array task `task`: runs the points on lines [task*per_task, (task+1)*per_task) of the manifest
// file `manifest` (a manifest-<n>.txt of o.out_dir) with RunPointInDir and leaves each one's
// result files. Returns 0 when it could run them all (failed points included), 1 otherwise.
int RunSlurmTask(const std::string& manifest, int task, int per_task, const SweepOptions& o);

// Records every point of `manifest` that has a result (its <id>/ directory or its failure file)
// in <out_dir>/sweep.sqlite, as the local backend would, and says how many have none. Returns 0
// when every point of the manifest is recorded as done, 3 otherwise.
int CollectSlurm(const std::string& out_dir, const std::string& manifest);

// Prints, for the sweep in `out_dir`, the done, failed and pending counts from the result files
// and from the database (every point of every submission's manifest and every recorded point).
// In the files a point is done when it has its <id>/, failed when it has <id>.tmp/failed.txt (or
// an <id>.tmp/ the database records as failed: the local backend's), else pending. Needs no
// Slurm. Throws InputError when `out_dir` has neither a database nor a manifest.
void PrintSlurmStatus(const std::string& out_dir, std::ostream& os);

}  // namespace cssim::sweep
