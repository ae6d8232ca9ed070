"""Benchmarks of legis: `python -m bench` (see BENCHMARKS.md)."""
