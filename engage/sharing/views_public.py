"""What everyone sees: "you said, we did" (published reports and the responses to them),
each report's page, the Atom feed, the page partner websites embed, attachments, and the
board dashboard."""
from __future__ import annotations

from datetime import date

from flask import Response as HttpResponse, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.roles import COORDINATOR, OFFICER
from ..consultations import services as consultation_services
from ..consultations.models import Consultation
from ..core import params
from ..core import uploads
from ..core.audit import history
from ..core.errors import not_found
from ..core.pagecache import kept_page
from ..core.pagination import paginate
from ..core.security import allow_framing, role_required
from ..core.statements import built
from ..core.vocabulary import AUDIENCES
from ..extensions import db
from ..partnership.models import Area, Partnership
from ..partnership.services import area_choices
from . import bp, contents, dashboard as board, feeds, notices, responses, services, workflow
from .overview import overview
from .models import STATES, VISIBILITY, FindingsReport, report_consultation
from ..core import clock


def catch_up(at=None) -> None:
    """Embargoes end on time even without the scheduled command: releasing a report that is
    due (telling its partnerships and residents) happens on the next page load."""
    if notices.release_due(at):
        db.session.commit()


def _filter_choices(years):
    return {
        "priorities": services.current_priority_choices(),
        "areas": area_choices(("borough", "town", "ward")),
        "partnerships": [(i, name) for i, name in db.session.execute(
            built("partnership choices", lambda: select(Partnership.id, Partnership.name).order_by(Partnership.name)))],
        "years": years,
    }


def _older_results(filters):
    """Consultations whose results are published but that no public report covers yet."""
    if filters.as_args():
        return []
    public = consultation_services.public_audience()
    # Whether a public report covers each one is read with them (a column of the same query,
    # not a query of its own), and those are left out of the 30 read, as before.
    covered = Consultation.id.in_(select(report_consultation.c.consultation_id)
                                  .join(FindingsReport, FindingsReport.id == report_consultation.c.report_id)
                                  .where(services.public_clause(None))).label("covered")
    query = consultation_services.finder_query(public, statuses=["results-published"]).add_columns(covered).order_by(None).order_by(
        Consultation.results_published_on.desc(), Consultation.id.desc()).limit(30).options(
        joinedload(Consultation.lead_organisation), selectinload(Consultation.findings))
    return [c for c, is_covered in db.session.execute(query) if not is_covered]


@bp.route("/you-said-we-did")
@kept_page
def you_said_we_did():
    at = services.now()
    # The years to filter by, how many reports there are, whether one is due out: one statement.
    seen = overview(current_user, at)
    if seen.due:
        catch_up(at)
    filters = services.Filters.from_args(params.query())
    page = paginate(services.public_query(current_user, filters, at, load=services.with_card_parts), per_page=10,
                    total=None if filters.as_args() else seen.total)
    return render_template("sharing/you_said_we_did.html", page=page, filters=filters, choices=_filter_choices(seen.years),
                           older=_older_results(filters) if page.page == 1 else [], progress=responses.progress,
                           today=clock.today(), state_labels=responses.STATE_LABELS, priority_view=services.priority_view)


@bp.route("/you-said-we-did/feed.atom")
def feed():
    catch_up()
    filters = services.Filters.from_args(params.query())
    reports = db.session.scalars(services.public_query(None, filters).limit(feeds.MAX_ENTRIES)).all()
    return HttpResponse(feeds.build(reports, filters.as_args()), mimetype="application/atom+xml")


@bp.route("/embed/you-said-we-did")
@allow_framing
def embed():
    catch_up()
    filters = services.Filters.from_args(params.query())
    reports = db.session.scalars(services.public_query(None, filters).limit(5)).all()
    partnership = db.session.get(Partnership, filters.partnership_id) if filters.partnership_id else None
    area = db.session.get(Area, filters.area_id) if filters.area_id else None
    return render_template("sharing/embed.html", reports=reports, filters=filters, partnership=partnership, area=area,
                           progress=responses.progress, today=clock.today(), state_labels=responses.STATE_LABELS)


@bp.route("/findings/<int:report_id>")
@kept_page
def report(report_id):
    catch_up()
    # The report with what its page shows, loaded once (not once to check and again to show).
    item = services.get_for_page(report_id)
    notice = services.withdrawn_notice(current_user, item)
    if notice is not None:
        # 410 Gone: it was here and is not coming back, said in words on the page.
        return render_template("sharing/withdrawn.html", notice=notice), 410
    services.check_view(current_user, item)
    today = clock.today()
    by_key = {(r.partnership_id, r.recommendation_id): r for r in item.responses}
    answerable = {p.id for p in responses.partnerships_to_answer(current_user, item)} if current_user.is_authenticated else set()
    # Drafts only for those who answer for a partnership (nobody else's page reads them).
    drafts = responses.drafts_of(item, answerable) if answerable else {}
    staff = bool(workflow.roles_for(current_user, item)) or (current_user.is_authenticated and current_user.role == OFFICER)
    return render_template(
        "sharing/report.html", report=item, public=services.is_public(item, current_user), today=today,
        can_edit=services.can_edit(current_user, item), can_delete=services.can_delete(current_user, item),
        moves=workflow.allowed(current_user, item), problems=services.publish_problems(item),
        priorities=services.priority_view(item), progress=responses.progress(item), by_key=by_key, answerable=answerable, drafts=drafts,
        due=responses.due_on(item), linked=responses.linked, state_labels=responses.STATE_LABELS,
        audiences=AUDIENCES, visibility_labels=VISIBILITY, staff=staff, headline=services.question_headlines(),
        history=history(item, limit=30) if staff else [], timeline=services.timeline(item) if staff else [],
        size_label=uploads.size_label, finding_evidence=contents.finding_evidence,
        past=workflow.PAST, states=STATES,
    )


@bp.route("/findings/<int:report_id>/attachments/<int:attachment_id>/download")
def download(report_id, attachment_id):
    item = services.get_for_view(current_user, report_id)
    attachment = contents.get_attachment(item, attachment_id)
    response = contents.send_attachment(attachment)
    if response is None:
        not_found("This attachment's file is missing. Contact the partnership team.")
    return response


@bp.route("/findings/dashboard")
@role_required(COORDINATOR, OFFICER)
def dashboard():
    catch_up()
    return render_template("sharing/dashboard.html", **board.build(current_user), state_labels=responses.STATE_LABELS)


def consultation_panel(consultation, user):
    """Published reports from a consultation, on the consultation's public page."""
    reports = services.consultation_reports(consultation.id, user)
    if not reports:
        return None
    return render_template("sharing/_consultation_panel.html", consultation=consultation, reports=reports,
                           progress=responses.progress, today=clock.today(), state_labels=responses.STATE_LABELS)


def plan_action_panel(action, user):
    """On an implementation-plan action's page: the partnerships' responses that name it."""
    rows = responses.linking_to(responses.PLAN_ACTION, action.id, user)
    if not rows:
        return None
    return render_template("sharing/_plan_action_panel.html", action=action, responses=rows)


def consultation_manage_link(consultation, user):
    """"Write a findings report" in the consultation's "Manage" list, for those who can."""
    if not services.can_start(user):
        return None
    from markupsafe import Markup, escape

    href = url_for("sharing.new", consultation=consultation.id)
    return Markup(f'<li><a class="govuk-link" href="{escape(href)}">Write a findings report from it</a></li>')


def account_links(user, _viewer=None):
    """Findings work in the signed-in person's "What you can do" list."""
    from markupsafe import Markup, escape

    from ..core.i18n import gettext

    items = []
    if services.can_start(user) or (user.is_authenticated and user.role in (COORDINATOR, OFFICER)):
        items.append((url_for("sharing.manage"), gettext("Write, review and respond to findings reports")))
    if user.is_authenticated and user.role in (COORDINATOR, OFFICER):
        items.append((url_for("sharing.dashboard"), gettext("See the board dashboard: reports, responses and indicators by priority")))
    if not items:
        return None
    return Markup("".join(f'<li><a class="govuk-link" href="{escape(href)}">{escape(text)}</a></li>' for href, text in items))
