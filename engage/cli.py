"""The ``flask --app wsgi engage ...`` command group; capabilities add their commands here."""
import click
from flask.cli import AppGroup

engage_cli = AppGroup("engage", help="Engage's own commands (demo data, toolkit, search index).")


def progress(iterable, length: int, label: str):
    """A progress bar on the command line for long work (imports, reindexing)."""
    return click.progressbar(iterable, length=length, label=label, file=None)
