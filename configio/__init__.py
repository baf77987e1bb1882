"""Configuration as code: accounts, connections, field mappings and rules as JSON, and back
(``manage.py export_config`` / ``import_config``; the format is docs/config-format.md)."""
