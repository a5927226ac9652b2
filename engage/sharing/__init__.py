"""Sharing results: findings reports that move from draft to published through review and
approval, the partnerships' responses ("we did"), reminders when responses are late, the
public "you said, we did" pages, the Atom feed, the page partner sites embed, the API and
the board dashboard.

Connections to the rest go through ``engage.core.registry``: the ``consultation.page`` and
``consultation.manage`` and ``plan.action`` panels, the residents' ``contacts`` and the
``findings-response`` link kind the implementation plan uses.
"""
from __future__ import annotations

import click
from flask import Blueprint, Flask

bp = Blueprint("sharing", __name__)


def init_app(app: Flask) -> None:
    from ..cli import engage_cli
    from ..core.registry import links, panels
    from . import api, demo, models, search, views, views_public  # noqa: F401  (routes, tables, index, demo seeder)
    from .responses import RESPONSE_LINK

    app.register_blueprint(bp)
    # Old links and templates that name the page by its first home keep working.
    app.add_url_rule("/you-said-we-did", endpoint="consultations.you_said_we_did", view_func=views_public.you_said_we_did)
    app.config.setdefault("ENGAGE_RESPONSE_WEEKS", 8)
    panels.register("consultation.page", views_public.consultation_panel, app)
    panels.register("consultation.manage", views_public.consultation_manage_link, app)
    panels.register("account.dashboard", views_public.account_links, app)
    panels.register("plan.action", views_public.plan_action_panel, app)
    links.register(RESPONSE_LINK, app)
    from ..core.content import translatable
    from .translation import KIND

    translatable.register(KIND, app=app)
    from ..core.registry import outcome_evidence
    from .services import outcome_evidence as reports_on_outcomes

    outcome_evidence.register(reports_on_outcomes, app)  # a ladder stage's page shows them
    from . import links as report_links

    report_links.register(app)  # a findings report, for a funding bid to cite
    from ..core.mail import on_finished
    from .notices import HEAR_BACK, hear_back_finished

    on_finished(HEAR_BACK, hear_back_finished, app)
    for command in (publish_due_command, send_reminders_command):
        if command.name not in engage_cli.commands:
            engage_cli.add_command(command)


@click.command("publish-due")
def publish_due_command():
    """Make public the findings reports whose embargo has passed, and tell people (run often)."""
    from ..extensions import db
    from .notices import release_due

    released = release_due()
    db.session.commit()
    for report in released:
        click.echo(f"Published: {report.title} (report {report.id})")
    click.echo(f"{len(released)} report{'' if len(released) == 1 else 's'} made public.")


@click.command("send-reminders")
def send_reminders_command():
    """Email the coordinators of partnerships about responses and actions due soon or overdue
    (once per stage and due date), and residents who asked to hear back when the responses
    are late: safe to run every hour."""
    from sqlalchemy.exc import IntegrityError

    from ..extensions import db
    from .notices import tell_residents_late
    from .responses import send_reminders

    for attempt in range(3):
        try:
            sent = send_reminders()
            residents = tell_residents_late()
            db.session.commit()
            break
        except IntegrityError:
            # Another node's run recorded the same reminder a moment earlier (each is unique):
            # start again from what is stored now, which finds that one done.
            db.session.rollback()
            if attempt == 2:
                raise
    for report, partnership, people in sent:
        click.echo(f"Reminded {partnership.name} ({people} coordinator{'' if people == 1 else 's'}) about: {report.title}")
    click.echo(f"{len(sent)} reminder{'' if len(sent) == 1 else 's'} sent.")
    if residents:
        click.echo(f"{residents} resident{'' if residents == 1 else 's'} told the responses are in or late.")
