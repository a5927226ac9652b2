"""Bid rounds: "prioritising the priorities" instead of dividing the money pro rata.

A partnership sets weighted criteria for a round (data: the demo loads the eight principles of
the priorities paper); named assessors score each bid on each criterion on the round's stated
scale (0 to ``scale_max``), each score with a reason; nobody scores a bid from their own
organisation. An assessor's score of a bid is the weighted mean of their criterion scores
(sum of weight × score over the sum of the weights), counted only once they have scored every
criterion; a bid's score is the mean of its assessors' scores, shown with how many assessors
scored it and the spread (lowest and highest). Arithmetic is exact (``Fraction``); pages round.

The round is a workflow (open → scoring → ranked → decided, ``TABLE``, registered with
engage/core/workflows.py); each move is a compare-and-set on the state it starts from and is
recorded in ``BidRoundMove``. Ranked, the pot goes down the list in order (each bid gets what
it asked for while money lasts, the first that does not fit gets what is left); beside it is
what dividing the pot pro rata to the amounts asked would have given.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from ..accounts.models import User
from ..accounts.roles import COORDINATOR, OFFICER, PRACTITIONER
from ..core import workflows
from ..core.audit import record
from ..core.errors import RuleError
from ..core.i18n import N_, gettext
from ..core.registry import links
from ..core.sanitise import clean_text
from ..core.transitions import compare_and_set
from ..extensions import db
from ..strategy.budget import to_pence
from .models import ROUND_STATES, Bid, BidCriterion, BidEvidence, BidRound, BidRoundMove, BidScore
from .services import budget_money, is_officer, is_partner, save_project, set_funding

# Kinds of evidence a bid may cite (each registered in ``engage.core.registry.links`` by the
# capability that owns it); a kind nobody registered is simply not offered.
EVIDENCE_KINDS = ("consultation", "findings-report", "findings-response", "outcome", "plan-action")

MAX_WEIGHT = 100
MAX_SCALE = 10


# ---- who may do what ---------------------------------------------------------------------

def may_set_criteria(user, rnd: BidRound) -> bool:
    if is_officer(user):
        return True
    return bool(is_partner(user) and user.role == COORDINATOR and any(c.id == user.id for c in rnd.partnership.coordinators))


def is_assessor(user, rnd: BidRound) -> bool:
    return bool(is_partner(user) and any(a.id == user.id for a in rnd.assessors))


def may_bid(user) -> bool:
    return bool(is_partner(user) and user.has_role(PRACTITIONER, COORDINATOR))


def conflict_of_interest(user, bid: Bid) -> bool:
    return bool(user.organisation_id is not None and user.organisation_id == bid.organisation_id)


# ---- the workflow -------------------------------------------------------------------------

MANAGER = "officer"
TABLE = [
    workflows.step("start-scoring", N_("Close for bids and start scoring"), "open", "scoring", {MANAGER},
                   does=N_("No more bids or changes to the criteria; the named assessors can score every bid."),
                   confirm=N_("Close the round for bids and start scoring?")),
    workflows.step("rank", N_("Rank the bids"), "scoring", "ranked", {MANAGER},
                   does=N_("Puts the bids in order of their scores and works out what each would get, beside what pro rata would give. "
                           "Every bid needs at least one assessor's full set of scores.")),
    workflows.step("reopen-scoring", N_("Reopen scoring"), "ranked", "scoring", {MANAGER},
                   does=N_("Lets assessors change their scores again. Say why.")),
    workflows.step("decide", N_("Record the board's decision"), "ranked", "decided", {MANAGER},
                   does=N_("Fixes what each bid gets, in the ranked order shown. It cannot be changed afterwards."),
                   confirm=N_("Record this as the board's decision?")),
]


def _may_move(step, rnd, user) -> bool:
    return is_officer(user)


WORKFLOW = workflows.register(workflows.Workflow(
    name="funding.round", title=N_("Bid round"), states=ROUND_STATES, start="open", final={"decided"},
    roles={MANAGER: N_("a partnership officer")}, steps=lambda: TABLE, state_of=lambda rnd: rnd.state, may=_may_move))


def move(actor, rnd: BidRound, action: str, expected_state: str, reason: str = "") -> BidRoundMove:
    """Makes one move of the round from ``expected_state`` (the state the page showed)."""
    step = next((s for s in TABLE if s.action == action), None)
    if step is None:
        raise RuleError(gettext("That is not something you can do to a bid round."))
    if not is_officer(actor):
        raise RuleError(gettext("Only a partnership officer can move a bid round on."))
    if expected_state != step.source:
        raise RuleError(gettext("A round that is %(state)s cannot be moved that way.", state=gettext(ROUND_STATES.get(expected_state, expected_state)).lower()))
    reason = clean_text(reason, 2000)
    if action == "start-scoring":
        if not rnd.bids:
            raise RuleError(gettext("There are no bids to score yet."))
        if not any(c.weight > 0 for c in rnd.criteria):
            raise RuleError(gettext("Give at least one criterion a weight above 0 first."))
        if not rnd.assessors:
            raise RuleError(gettext("Name at least one assessor first."))
    if action == "rank":
        unscored = [b.title for b in rnd.bids if not result(b).count]
        if unscored:
            raise RuleError(gettext("Every bid needs at least one assessor's full set of scores. Not scored yet: %(bids)s.", bids="; ".join(unscored)))
    if action == "reopen-scoring" and not reason:
        raise RuleError(gettext("Say why scoring is being reopened"), "reason")
    compare_and_set(rnd, {"state": step.source}, {"state": step.target}, done="moved this bid round on")
    if action == "decide":
        for row in ranking(rnd).rows:
            row.bid.awarded = row.ranked
        _fund_projects(actor, rnd)
    done = BidRoundMove(round=rnd, actor_id=actor.id, action=action, from_state=step.source, to_state=step.target, reason=reason)
    db.session.add(done)
    record(actor, "update", rnd, f"{rnd.title}: {step.label.lower()} ({ROUND_STATES[step.source]} to {ROUND_STATES[step.target]})",
           {"state": [step.source, step.target], "reason": reason})
    db.session.flush()
    return done


def _fund_projects(actor, rnd: BidRound) -> None:
    """The board's decision made real: each bid awarded money becomes a funded project of the
    round's programme (its partnership, organisation, title and summary), given what it was
    awarded for the round's year on the budget, where its spend is then tracked. The year's
    allocation is checked as for any project: a decision that would give out more than is
    left of it is refused, saying how much is left. The exit strategy is for the project's
    lead to write (a blank one is flagged on the project's page)."""
    for bid in rnd.bids:
        if not bid.awarded or bid.project_id is not None:
            continue
        project = save_project(actor, None, {
            "programme_id": rnd.programme_id, "partnership_id": bid.partnership_id,
            "organisation_id": bid.organisation_id, "name": bid.title,
            "summary": bid.summary or f"Funded from the bid round “{rnd.title}”."})
        try:
            set_funding(actor, project, rnd.year, Decimal(bid.awarded) / 100)
        except RuleError as error:
            raise RuleError(gettext("The decision cannot be recorded. %(why)s", why=error)) from error
        bid.project = project


# ---- criteria, assessors, bids -------------------------------------------------------------

def open_round(actor, programme, data: dict) -> BidRound:
    if not is_officer(actor):
        raise RuleError(gettext("Only a partnership officer can open a bid round."))
    title = clean_text(data.get("title"), 200)
    if not title:
        raise RuleError(gettext("Enter the round's title"), "title")
    if not data.get("partnership_id"):
        raise RuleError(gettext("Select the partnership setting the criteria"), "partnership_id")
    year = data.get("year")
    allocation = programme.allocation_for(int(year)) if year is not None else None
    if allocation is None:
        raise RuleError(gettext("%(programme)s has no allocation for that year", programme=programme.name), "year")
    pot = to_pence(data.get("pot"))
    if pot is None or pot <= 0:
        raise RuleError(gettext("Enter the money to give out in pounds, more than 0"), "pot")
    if pot > allocation.amount:
        raise RuleError(gettext("That is more than the whole %(year)s allocation of %(amount)s",
                                year=f"{allocation.year}/{(allocation.year + 1) % 100:02d}", amount=budget_money(allocation.amount)), "pot")
    scale = data.get("scale_max") or 5
    if not 1 <= int(scale) <= MAX_SCALE:
        raise RuleError(gettext("Enter a highest score from 1 to %(top)s", top=MAX_SCALE), "scale_max")
    rnd = BidRound(programme=programme, partnership_id=data["partnership_id"], year=int(year), title=title, pot=pot,
                   scale_max=int(scale), state="open")
    db.session.add(rnd)
    db.session.flush()
    record(actor, "create", rnd, f"Bid round “{title}” opened for {budget_money(pot)}")
    db.session.flush()
    return rnd


def _require_open(rnd: BidRound, what: str) -> None:
    """``what``: "criteria" or "bids" (each its own whole sentence, for translation)."""
    if rnd.state != "open":
        state = gettext(rnd.state_label).lower()
        if what == "criteria":
            raise RuleError(gettext("The round is %(state)s: criteria can be changed only while it is open for bids.", state=state))
        raise RuleError(gettext("The round is %(state)s: bids can be entered only while it is open for bids.", state=state))


def save_criterion(actor, rnd: BidRound, criterion: BidCriterion | None, data: dict) -> BidCriterion:
    if not may_set_criteria(actor, rnd):
        raise RuleError(gettext("Only a partnership officer or a coordinator of the partnership running the round can set its criteria."))
    _require_open(rnd, "criteria")
    name = clean_text(data.get("name"), 200)
    if not name:
        raise RuleError(gettext("Enter the criterion"), "name")
    weight = data.get("weight")
    if weight is None or not 0 <= int(weight) <= MAX_WEIGHT:
        raise RuleError(gettext("Enter a weight from 0 to %(top)s", top=MAX_WEIGHT), "weight")
    if any(c.name.lower() == name.lower() and c is not criterion for c in rnd.criteria):
        raise RuleError(gettext("The round already has a criterion called “%(name)s”", name=name), "name")
    if criterion is None:
        criterion = BidCriterion(round=rnd, position=max((c.position for c in rnd.criteria), default=0) + 1)
        db.session.add(criterion)
    criterion.name, criterion.weight = name, int(weight)
    criterion.guidance = clean_text(data.get("guidance"), 2000)
    db.session.flush()
    record(actor, "update", rnd, f"{rnd.title}: criterion “{name}” weighted {weight}", {"criterion": name, "weight": int(weight)})
    db.session.flush()
    return criterion


def add_assessor(actor, rnd: BidRound, user: User | None) -> None:
    if not is_officer(actor):
        raise RuleError(gettext("Only a partnership officer can name assessors."))
    if rnd.state == "decided":
        raise RuleError(gettext("The round is decided: its assessors cannot change."))
    if user is None or not is_partner(user) or not user.active:
        raise RuleError(gettext("Select a partner with an active account"), "user_id")
    if user in rnd.assessors:
        raise RuleError(gettext("%(name)s is already an assessor", name=user.name), "user_id")
    rnd.assessors.append(user)
    record(actor, "update", rnd, f"{rnd.title}: {user.name} named as an assessor", {"assessor": user.name})
    db.session.flush()


def save_bid(actor, rnd: BidRound, data: dict) -> Bid:
    if not may_bid(actor):
        raise RuleError(gettext("Only partners (practitioners, coordinators and officers) can enter bids."))
    _require_open(rnd, "bids")
    title = clean_text(data.get("title"), 200)
    if not title:
        raise RuleError(gettext("Enter the bid's title"), "title")
    if not data.get("partnership_id"):
        raise RuleError(gettext("Select the thematic partnership making the bid"), "partnership_id")
    if not data.get("organisation_id"):
        raise RuleError(gettext("Select the organisation that would run it"), "organisation_id")
    requested = to_pence(data.get("requested"))
    if requested is None or requested <= 0:
        raise RuleError(gettext("Enter the amount asked for in pounds, more than 0"), "requested")
    bid = Bid(round=rnd, title=title, summary=clean_text(data.get("summary"), 5000), requested=requested,
              partnership_id=data["partnership_id"], organisation_id=data["organisation_id"])
    db.session.add(bid)
    db.session.flush()
    record(actor, "create", bid, f"Bid “{title}” for {budget_money(requested)} entered in {rnd.title}")
    db.session.flush()
    return bid


def evidence_choices(user) -> list[tuple[str, str]]:
    out = []
    for kind in EVIDENCE_KINDS:
        found = links.get(kind)
        if found is not None:
            out.extend((f"{kind}:{target}", gettext("%(kind)s: %(title)s", kind=gettext(found.label), title=title))
                       for target, title in found.choices(user))
    return out


def add_evidence(actor, bid: Bid, value: str) -> BidEvidence:
    if not may_bid(actor):
        raise RuleError(gettext("Only partners can add evidence to a bid."))
    if bid.round.state not in ("open", "scoring"):
        raise RuleError(gettext("Evidence can be added only before the bids are ranked."))
    kind, _, target = (value or "").partition(":")
    from ..core.params import to_id

    target_id = to_id(target)
    found = links.get(kind) if kind in EVIDENCE_KINDS else None
    if found is None or target_id is None or found.resolve(target_id, actor) is None:
        raise RuleError(gettext("Select something from the list"), "target")
    if any(e.kind == kind and e.target_id == target_id for e in bid.evidence):
        raise RuleError(gettext("The bid already cites that"), "target")
    item = BidEvidence(bid=bid, kind=kind, target_id=target_id)
    db.session.add(item)
    record(actor, "update", bid, f"Evidence added to the bid “{bid.title}”", {"evidence": value})
    db.session.flush()
    return item


def evidence_of(bid: Bid) -> list[tuple[str, str, str]]:
    """(kind label, title, url) for each cited thing the reader may see."""
    out = []
    for e in bid.evidence:
        found = links.resolve(e.kind, e.target_id)
        if found:
            kind = links.get(e.kind)
            out.append((kind.label if kind else e.kind, found[0], found[1]))
    return out


# ---- scoring -----------------------------------------------------------------------------

def save_scores(actor, bid: Bid, entries: dict) -> list[BidScore]:
    """``entries``: {criterion id: (score, reason)} for every criterion of the round. All or
    nothing: one bad entry saves none (the message names the criterion)."""
    rnd = bid.round
    if not is_assessor(actor, rnd):
        raise RuleError(gettext("Only the round's named assessors can score bids."))
    if rnd.state != "scoring":
        raise RuleError(gettext("The round is %(state)s: bids can be scored only while it is being scored.", state=gettext(rnd.state_label).lower()))
    if conflict_of_interest(actor, bid):
        raise RuleError(gettext("You cannot score this bid: it is from your own organisation (%(organisation)s).", organisation=bid.organisation.name))
    clean = {}
    for c in rnd.criteria:
        score, reason = entries.get(c.id, (None, ""))
        if score is None or not isinstance(score, int) or not 0 <= score <= rnd.scale_max:
            raise RuleError(gettext("Score “%(criterion)s” from 0 to %(top)s", criterion=c.name, top=rnd.scale_max), f"score_{c.id}")
        reason = clean_text(reason, 2000)
        if not reason:
            raise RuleError(gettext("Give your reason for the score on “%(criterion)s”", criterion=c.name), f"reason_{c.id}")
        clean[c.id] = (score, reason)
    mine = {s.criterion_id: s for s in bid.scores if s.assessor_id == actor.id}
    out = []
    for c in rnd.criteria:
        score, reason = clean[c.id]
        row = mine.get(c.id)
        if row is None:
            row = BidScore(bid=bid, criterion=c, assessor_id=actor.id)
            db.session.add(row)
        row.score, row.reason = score, reason
        out.append(row)
    record(actor, "update", bid, f"{actor.name} scored the bid “{bid.title}”",
           {"scores": {c.name: clean[c.id][0] for c in rnd.criteria}})
    db.session.flush()
    return out


@dataclass
class AssessorScore:
    assessor: User
    value: Fraction                       # weighted mean on the round's scale
    scores: list[BidScore]


@dataclass
class BidResult:
    bid: Bid
    assessors: list[AssessorScore] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.assessors)

    @property
    def value(self) -> Fraction | None:
        if not self.assessors:
            return None
        return sum((a.value for a in self.assessors), Fraction(0)) / len(self.assessors)

    @property
    def lowest(self) -> Fraction | None:
        return min((a.value for a in self.assessors), default=None)

    @property
    def highest(self) -> Fraction | None:
        return max((a.value for a in self.assessors), default=None)

    @property
    def spread(self) -> Fraction | None:
        return None if not self.assessors else self.highest - self.lowest


def weighted_mean(pairs) -> Fraction | None:
    """sum(weight × score) / sum(weight) over (weight, score) pairs; None when the weights are 0."""
    total = sum(w for w, _s in pairs)
    if total == 0:
        return None
    return Fraction(sum(w * s for w, s in pairs), total)


def result(bid: Bid) -> BidResult:
    criteria = [c for c in bid.round.criteria]
    weights = {c.id: c.weight for c in criteria}
    by_assessor: dict[int, list[BidScore]] = {}
    for s in bid.scores:
        by_assessor.setdefault(s.assessor_id, []).append(s)
    out = BidResult(bid)
    for assessor_id, scores in sorted(by_assessor.items()):
        if {s.criterion_id for s in scores} != set(weights):
            continue  # not every criterion scored yet: not counted
        value = weighted_mean([(weights[s.criterion_id], s.score) for s in scores])
        if value is not None:
            out.assessors.append(AssessorScore(scores[0].assessor, value, sorted(scores, key=lambda s: (s.criterion.position, s.criterion_id))))
    return out


# ---- ranking and the pot -------------------------------------------------------------------

@dataclass
class RankedRow:
    rank: int | None
    result: BidResult
    ranked: int = 0        # pence, going down the list in order
    pro_rata: int = 0      # pence, the pot shared in proportion to the amounts asked

    @property
    def bid(self) -> Bid:
        return self.result.bid

    @property
    def part_funded(self) -> bool:
        return 0 < self.ranked < self.bid.requested


@dataclass
class Ranking:
    round: BidRound
    rows: list[RankedRow]

    @property
    def requested(self) -> int:
        return sum(r.bid.requested for r in self.rows)

    @property
    def ranked_total(self) -> int:
        return sum(r.ranked for r in self.rows)

    @property
    def pro_rata_total(self) -> int:
        return sum(r.pro_rata for r in self.rows)


def pro_rata(pot: int, requests: list[int]) -> list[int]:
    """The pot shared in proportion to the amounts asked, in whole pence that add up exactly
    (largest remainder: the pence left after rounding down go to the biggest fractions, the
    earlier bid first on a tie); nobody gets more than they asked."""
    total = sum(requests)
    if total <= pot:
        return list(requests)
    shares = [Fraction(pot * r, total) for r in requests]
    out = [int(s) for s in shares]
    left = pot - sum(out)
    order = sorted(range(len(requests)), key=lambda i: (-(shares[i] - out[i]), i))
    for i in order[:left]:
        out[i] += 1
    return out


def ranking(rnd: BidRound) -> Ranking:
    """Scored bids highest first (equal scores share a rank; the smaller request first, then
    the earlier bid), then bids with no score yet, unranked."""
    results = [result(b) for b in rnd.bids]
    scored = sorted([r for r in results if r.count], key=lambda r: (-r.value, r.bid.requested, r.bid.id))
    unscored = [r for r in results if not r.count]
    rows: list[RankedRow] = []
    for i, r in enumerate(scored):
        rank = rows[-1].rank if rows and rows[-1].result.value == r.value else i + 1
        rows.append(RankedRow(rank, r))
    rows.extend(RankedRow(None, r) for r in unscored)
    left = rnd.pot
    for row in rows:
        if row.rank is None:
            continue
        row.ranked = min(row.bid.requested, left)
        left -= row.ranked
    for row, share in zip(rows, pro_rata(rnd.pot, [row.bid.requested for row in rows])):
        row.pro_rata = share
    return Ranking(rnd, rows)


def rounds() -> list[BidRound]:
    return db.session.scalars(select(BidRound).order_by(BidRound.year.desc(), BidRound.id.desc())).all()


def partner_users() -> list[User]:
    return db.session.scalars(select(User).where(User.active.is_(True), User.role.is_not(None)).order_by(User.name)).all()


def score_text(value: Fraction | None) -> str:
    """A score to two decimal places, rounded half up (as a spreadsheet does)."""
    if value is None:
        return gettext("Not scored")
    from decimal import ROUND_HALF_UP, Decimal

    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
