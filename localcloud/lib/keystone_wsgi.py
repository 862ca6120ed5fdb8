"""WSGI entry point for Keystone under gunicorn (used by localcloud/start.sh).

Keystone parses ``sys.argv`` with oslo.config inside the worker and dies on
gunicorn's own command-line options, so clear them before importing it.
The config directory comes from ``OS_KEYSTONE_CONFIG_DIR``.
"""
import sys

sys.argv = sys.argv[:1]

from keystone.server import wsgi as _wsgi  # noqa: E402

application = _wsgi.initialize_public_application()
