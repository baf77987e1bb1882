"""The sync benchmark behind ``manage.py bench_sync`` (issue 9); see docs/benchmarks.md."""
