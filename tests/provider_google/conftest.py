"""Fixtures for the Google Contacts provider tests."""
