"""Benchmarks: each measures a bare reference in the same run and reports the ratio."""
