"""Fixture modules of the integration tests (pytest only reads pytest_plugins here)."""

pytest_plugins = [
    "tests.integration.keystone_fixtures",
    "tests.integration.data_fixtures",
    "tests.integration.fault_fixtures",
    "tests.secret_scan",
    "pytester",
]
