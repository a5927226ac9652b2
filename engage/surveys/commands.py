"""``flask --app wsgi engage purge-expired``: delete personal data past its retention period."""
from __future__ import annotations

import click

from ..cli import engage_cli
from ..extensions import db


@engage_cli.command("purge-expired")
def purge_expired_command():
    """Delete survey contacts and personal free text past each survey's retention period,
    and unfinished answers not saved for ENGAGE_SURVEY_DRAFT_DAYS (30 unless set)."""
    from .lifecycle import purge_expired

    from ..core.registry import purges

    counts = purge_expired(echo=click.echo)
    others = purges.run(echo=click.echo)   # other capabilities' steps (followers' addresses)
    db.session.commit()
    click.echo(f"Deleted {counts['contacts']:,} email addresses, {counts['texts']:,} personal comments and "
               f"{counts['drafts']:,} unfinished or preview responses ({counts['surveys']:,} surveys reached the end of their retention period).")
    for name, count in others.items():
        click.echo(f"{name}: {count:,} deleted.")


@engage_cli.command("import-survey-answers")
@click.argument("survey_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "email", default="", help="Email address of the account the answers are recorded as entered by.")
def import_survey_answers_command(survey_id, path, email):
    """Import answers collected by another tool from a CSV file (headings Q1, Q2...; the
    survey's import template). Every row is checked first; all the responses are saved
    together or none are, and a file already imported is refused."""
    from pathlib import Path

    from sqlalchemy import func, select

    from ..accounts.models import User
    from . import entry, import_jobs
    from .models import Survey

    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise click.ClickException(f"There is no survey {survey_id}.")
    actor = None
    if email:
        actor = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
        if actor is None:
            raise click.ClickException(f"There is no account with the email address {email}.")
    data = Path(path).read_bytes()
    shown = {"phase": None}

    def progress(phase: str, done: int, total: int) -> None:
        if phase != shown["phase"]:
            shown["phase"] = phase
            click.echo("Checking every row..." if phase == "checking" else "Saving the responses...")
        click.echo(f"  {done:,} of {total:,} {'rows checked' if phase == 'checking' else 'responses saved'}")

    try:
        count = import_jobs.run(actor, survey, Path(path).name, data, progress)
        db.session.commit()
    except entry.EntryProblems as error:
        db.session.rollback()
        click.echo("Nothing was imported. Fix these and try again:", err=True)
        for row, column, message in error.cells[:50]:
            click.echo(f"  row {row}, column {column}: {message}", err=True)
        if not error.cells:
            for message in error.problems:
                click.echo(f"  {message}", err=True)
        raise SystemExit(1)
    click.echo(f"Imported {count:,} responses into ‘{survey.title}’.")


@engage_cli.command("republish-survey-results")
def republish_survey_results_command():
    """Write every published survey's results into its consultation again, from the responses
    counted now, each figure with the survey's own decision on what the public sees of it
    (engage/surveys/publishing.py). Results written by earlier versions carry no decision and
    are suppressed a second time by the consultation database, which can pick other cells.
    Run it after changing ENGAGE_SUPPRESSION_THRESHOLD too: the decisions written are those
    taken under the threshold of the day they were written."""
    from sqlalchemy import select

    from . import publishing
    from .models import Survey

    surveys = db.session.scalars(select(Survey).where(Survey.published_at.is_not(None)).order_by(Survey.id)).all()
    for survey in surveys:
        publishing.follow(None, survey)
        click.echo(f"Wrote the results of “{survey.title}” again.")
    db.session.commit()
    click.echo(f"{len(surveys):,} published survey{'s' if len(surveys) != 1 else ''} written again.")
