"""Configuration as code: accounts, connections, field mappings and rules as JSON, and back.

``manage.py export_config`` (:func:`configio.export.export_config`) describes the configuration without a
single secret: for each secret an account holds, the file names the environment variable ``manage.py
import_config`` (:func:`configio.importer.import_config`) reads it from. Objects are found again by stable
keys:

- an account by provider + account id;
- a subsidiary by its account + NetSuite internal id;
- a connection by name;
- a mapping by connection + NetSuite field + app field;
- a rule by connection + direction + name (its conditions and actions are
  its content, in order).

An import creates or updates accounts and connections by those keys and
never deletes one; the mappings and rules of each connection in the file
become exactly those of the file (so export → import → export gives the
same file). It runs in one transaction: any problem (a missing environment
variable, an unknown owner, an invalid value) changes nothing. The format
is documented in ``docs/config-format.md``.

Modules: :mod:`~configio.format` (the file's marker, version, fields and secret names, and the error),
:mod:`~configio.export`, :mod:`~configio.validate` (checks before anything is written) and
:mod:`~configio.importer`. This package imports no model at import time (it is a Django app).
"""
