"""Benchmarks of legis: `python -m bench` (see BENCHMARKS.md)."""

import warnings

# pgserver, imported by the benchmarks, keeps only a lock file in the runtime dir; the fallback to /tmp that platformdirs
# warns of on a machine without XDG_RUNTIME_DIR is harmless (as `legis dev` says nothing of it).
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
