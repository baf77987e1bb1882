"""The bench tests run ``manage.py bench_sync`` itself: it starts its own processes and database."""
