"""Tools for developers and demos: the benchmark (``bench_sync``), the demo seeding (``seed_demo``) and the
sandbox runner (``runsandbox``). The only product code that may import ``sandbox/`` (an import-linter
contract in pyproject.toml); nothing of the product imports this app."""
