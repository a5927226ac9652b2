"""``flask --app wsgi engage backup`` and ``engage restore``: one archive file holding the
database, the uploads and (optionally) the search index, with a manifest. See archive.py."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from ..cli import engage_cli, index_progress


@engage_cli.command("backup")
@click.option("--to", "to", type=click.Path(path_type=Path), default=None,
              help="The archive file to write, or a folder to put a dated one in (default: the current folder).")
@click.option("--with-index", is_flag=True, help="Also keep the Whoosh search index (otherwise it is rebuilt on restore).")
def backup_command(to, with_index):
    """Back up the database (SQLite online backup, or pg_dump), the uploads and optionally the index."""
    from .archive import BackupError, backup

    try:
        manifest = backup(to or Path.cwd(), with_index=with_index, echo=click.echo)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(manifest.counts.values())
    click.echo(f"Backed up {rows:,} rows in {len(manifest.counts)} tables and {manifest.uploads:,} uploaded files "
               f"(schema {manifest.schema_revision}){' with the search index' if manifest.with_index else ''} "
               f"to {manifest.extra['path']}")


@engage_cli.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data (it is lost).")
@click.option("--while-running", is_flag=True,
              help="Restore although other processes (web nodes, workers) are connected to the database; "
                   "they drop what they remember of the old data at their next request.")
def restore_command(path, force, while_running):
    """Restore an archive made by ``engage backup``; refuses over existing data unless --force."""
    from .archive import BackupError, counts, restore

    try:
        manifest = restore(path, force=force, echo=click.echo, index_progress=index_progress(),
                           while_running=while_running)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    now = counts()
    differ = [f"{name}: {n:,} in the backup, {now.get(name, 0):,} now" for name, n in manifest.counts.items()
              if now.get(name, 0) != n]
    click.echo(f"Restored the backup made {manifest.created_at} ({sum(manifest.counts.values()):,} rows, "
               f"{manifest.uploads:,} uploaded files).")
    for line in differ:
        click.echo(f"Note: {line}")


def init_app(app: Flask) -> None:
    """The commands are on the ``engage`` group already (imported with this package)."""
