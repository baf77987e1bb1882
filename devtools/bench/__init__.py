"""The sync benchmark behind ``manage.py bench_sync`` (issue 9); see docs/benchmarks.md.

Three processes: the command itself (:func:`~devtools.bench.benchmark.run_isolated`) migrates a
temporary SQLite database (the user's database never sees the bench) and
starts the measuring process on it (``bench_sync --measure``:
:func:`~devtools.bench.benchmark.run_benchmark`), which starts the sandboxes in a third one
(``bench_sync --serve-sandboxes``: :func:`~devtools.bench.sandboxes.serve_sandboxes`), so that their
CPU work does not share the GIL with the engine being measured.

The measuring process seeds the sandboxes over their control API, creates a
bench connection (paused, so no schedule picks it up; removed afterwards,
also when a previous bench was interrupted), and runs the phases:

- ``initial``: the first sync of N ⇄ N records, half of them sharing emails;
- ``incremental``: a sync after 1% of the records changed on each side;
- ``no_change``: a sync with nothing changed.

Before ``incremental`` and ``no_change`` the engine first reads back its own
writes of the previous phase (a *settle* run, reported apart): otherwise
those echoes, not the changes, would dominate what is measured.

Every run is measured in the measuring process: wall time, CPU time, SQL
queries (a ``connection.execute_wrapper`` counter), peak RSS. The sandboxes'
request logs are summarised in their process (reads and writes per side,
429s, the time at least one request was in flight), so that the log of
100,000 writes never travels to the measured one. The theoretical minimum is
:func:`~devtools.bench.figures.minimum_seconds`; ``docs/benchmarks.md`` states the formula.

Modules: :mod:`~devtools.bench.options` (what is measured, and the bench's own ids),
:mod:`~devtools.bench.records` (the records seeded and changed), :mod:`~devtools.bench.sandboxes` (the
child process serving the sandboxes, its control calls, and the summary of their request logs),
:mod:`~devtools.bench.seeding`, :mod:`~devtools.bench.bench_connection`, :mod:`~devtools.bench.figures`
(the theoretical minimum and the measures) and :mod:`~devtools.bench.benchmark` (the phases, and the
isolated run).

``--app hubspot`` (issue 18) syncs with the HubSpot sandbox (its rate limits on) instead of Google's; each side's
minimum comes from its app's published limits (the registry's ``Capabilities.limits``).

``--scenario shared-account`` (issue 17) is :mod:`~devtools.bench.shared_account`: three connections
on one NetSuite account (one per contact type, a Google user each) whose initial runs a real qcluster
(:mod:`~devtools.bench.cluster`) runs at once; measured against the account's minimum, with the
NetSuite sandbox's count of requests over its limit.
"""
