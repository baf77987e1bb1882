"""Fixtures of the NetSuite provider tests: the NetSuite sandbox on a free local port, and clients of it."""
