"""How fast every admin page answers, and with how many SQL queries (issue 15, "Speed").

Behind ``manage.py admin_timings`` (``scripts/admin-timings``). It works on a
scratch database it creates and drops itself (:func:`scratch_database`): a
temporary SQLite file, or, when ``DATABASE_URL`` names a PostgreSQL server,
a private database ``admin_timings_<pid>`` on that server. The database the
URL names is never written to, let alone dropped.

Two data sets, one after the other in the same database:

- **demo**: what ``manage.py seed_demo`` makes (the sandboxes, started in this
  process, seeded and synced for real: two runs of the demo connection);
- **scale**: 20 connections and 100,000 record outcomes in all
  (:func:`seed_scale`, ``bulk_create``): 32 runs per connection, record links,
  mirror rows, failures with the APIs' messages, change history entries.

For each data set every admin page (:func:`admin_pages`: the index, each
registered model's list with the filters ops staff use, a change page of each,
the connection's own views, *Run now*) is requested through
``django.test.Client`` as a superuser: one warm-up, then three measured
requests; the median time and the query count are reported. A page over the
budget (1 s on the demo, 2 s at scale) makes the command exit non-zero.

The seeding functions are also used by the query-count tests
(``tests/ops/test_admin_query_counts.py``) with small data sets.

One module per step: :mod:`.scratch` (the database), :mod:`.demo_data` and
:mod:`.scale_data` (seeding), :mod:`.pages` and :mod:`.measuring` (what is
timed, and how), :mod:`.report` (budgets and the table), :mod:`.run` (all of
it in order). Everything the command and the tests use is imported here.
"""

from .demo_data import seed_demo_synced
from .measuring import REPEATS, Timing, measure, superuser_client, time_pages
from .pages import Page, admin_pages
from .progress import Log
from .report import DEMO_BUDGET_S, SCALE_BUDGET_S, Report, over_budget, table
from .run import run_measurements
from .scale_data import SCALE_CONNECTIONS, SCALE_OUTCOMES, ScaleSize, seed_scale
from .scratch import scratch_database

__all__ = [
    "DEMO_BUDGET_S",
    "REPEATS",
    "SCALE_BUDGET_S",
    "SCALE_CONNECTIONS",
    "SCALE_OUTCOMES",
    "Log",
    "Page",
    "Report",
    "ScaleSize",
    "Timing",
    "admin_pages",
    "measure",
    "over_budget",
    "run_measurements",
    "scratch_database",
    "seed_demo_synced",
    "seed_scale",
    "superuser_client",
    "table",
    "time_pages",
]
