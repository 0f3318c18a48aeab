"""WSGI entry point (``gunicorn qadam.config.wsgi``); settings come from the environment."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadam.config.settings")

application = get_wsgi_application()
