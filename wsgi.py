"""The WSGI entry point: ``flask --app wsgi ...`` and ``gunicorn wsgi:app``."""
from engage import create_app

app = create_app()
