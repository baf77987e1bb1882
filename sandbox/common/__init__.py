"""Pieces shared by the sandboxes: a tiny WSGI request/response layer, a
threaded server to run them on a free port, and the control plane
(request log, latency, fault injection, concurrency gate)."""
