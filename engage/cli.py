"""The ``flask --app wsgi engage ...`` command group; capabilities add their commands here."""
import click
from flask.cli import AppGroup

engage_cli = AppGroup("engage", help="Engage's own commands (demo data, toolkit, search index).")


def _command_job_id(ctx: click.Context) -> None:
    """Every line a command logs carries ``job_id`` ``command:<name>`` (engage/core/logs.py)."""
    from .core import logs

    name = ctx.invoked_subcommand or "engage"
    ctx.with_resource(logs.job("command", name))


engage_cli.callback = click.pass_context(_command_job_id)


def progress(iterable, length: int, label: str):
    """A progress bar on the command line for long work (imports, reindexing)."""
    return click.progressbar(iterable, length=length, label=label, file=None)


def index_progress(label: str = "Indexing"):
    """``echo(name, done, total)`` for search index rebuilds (``reindex``, ``restore``): one
    progress bar per index, opened at its first step and closed at its last."""
    bars = {}

    def echo(name, done, total):
        bar = bars.get(name)
        if bar is None:
            bar = bars[name] = click.progressbar(length=max(total, 1), label=f"{label} {name}")
            bar.__enter__()
        bar.update(1)
        if done >= total:
            bar.__exit__(None, None, None)

    echo.bars = bars  # the bars opened so far, by index name
    return echo


@engage_cli.command("send-mail")
def send_mail_command():
    """Send the emails waiting in the outbox, retrying failed ones when due (run every few
    minutes from cron or a systemd timer; safe beside the web servers' own sender)."""
    from .core import mail

    counts = mail.send_due()
    left = mail.summary()
    click.echo(f"Sent {counts['sent']:,}; failed {counts['failed']:,} (tried again later); gave up on {counts['given_up']:,}. "
               f"Waiting: {left['waiting']:,} ({left['failing']:,} failing); given up in all: {left['given_up']:,}.")


@engage_cli.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at once in this process.")
def worker_command(threads):
    """Run background jobs (imports, search rebuilds, mail, reading documents) from the queue
    until stopped (Ctrl+C or SIGTERM): for several web nodes with ENGAGE_QUEUE_URL=redis://...
    and ENGAGE_QUEUE_RUNNER=none on the web nodes (engage/core/queue.py)."""
    from flask import current_app

    from .core import queue

    app = current_app._get_current_object()
    app.config["ENGAGE_QUEUE_RUNNER"] = "none"   # this process runs huey's consumer instead
    queue.work(app, threads=threads, echo=click.echo)


@engage_cli.command("pages-changed")
def pages_changed_command():
    """Draw every kept public page anew (engage/core/pagecache.py): run it after changing the
    database by hand (psql, sqlite3), which Engage cannot see."""
    from .core import pagecache
    from .extensions import db

    pagecache.everything_changed()
    db.session.commit()
    click.echo("Every kept page will be drawn again on its next visit, on every node.")


@engage_cli.command("move-documents")
def move_documents_command():
    """Copy the consultation documents and findings attachments an older Engage kept directly
    in this node's ENGAGE_UPLOAD_DIR into the upload storage (the bucket ENGAGE_STORAGE_URL
    names, or the folder's documents/), each read back before the old file is removed. Run it
    once on each node that has such files, after the upgrade; safe to run again."""
    from .core import uploads

    moved = uploads.move_legacy()
    click.echo(f"Moved {moved:,} stored file{'' if moved == 1 else 's'} into the upload storage.")
