"""What both benchmark scripts print about the machine and the code they ran on.

Imported by ``bench_univariate.py`` and ``bench_multivariate.py``, which are run as
scripts from any directory (``python benchmarks/bench_*.py``), so this module sits
beside them on ``sys.path``.
"""

import os
import platform
import subprocess

import sklearn
import torch
from threadpoolctl import threadpool_info

import skquantile


def fmt(value, spec):
    """``value`` formatted by ``spec``, or ``-`` when it is None."""
    return "-" if value is None else format(value, spec)


def cpu_name():
    """The CPU model from /proc/cpuinfo, else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git(*args):
    out = subprocess.run(
        ["git", "--no-optional-locks", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=os.path.dirname(os.path.abspath(__file__)),
    )
    return out.stdout.strip()


def commit():
    """The last commit, flagged when the package has uncommitted changes."""
    try:
        last = _git("log", "--oneline", "-1")
        root = _git("rev-parse", "--show-toplevel")
        dirty = _git("status", "--porcelain", "--", os.path.join(root, "skquantile"))
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return last + (" (+ uncommitted changes in skquantile/)" if dirty else "")


def environment_line(extra_versions=()):
    """Versions, thread pools, CPU, load and commit, on two lines.

    ``extra_versions`` holds further ``"name version"`` strings for the first line.
    """
    load = "n/a"
    if hasattr(os, "getloadavg"):
        load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    omp = sorted({i["num_threads"] for i in threadpool_info()})
    versions = [
        f"skquantile {skquantile.__version__}",
        f"sklearn {sklearn.__version__}",
        *extra_versions,
    ]
    return (
        f"python {platform.python_version()} | torch {torch.__version__} "
        f"(intra-op threads {torch.get_num_threads()}; OpenMP/BLAS pools {omp}) | "
        + " | ".join(versions)
        + f"\nCPU: {cpu_name()}, {os.cpu_count()} logical cores, load average {load} "
        f"| commit {commit()}"
    )
