"""Benchmarks: long runs that print their figures (not tests; `make bench` runs them)."""
