"""What the screens, the API and the exports read: always through the predicates of :mod:`.policies`."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext

from vpdt.core.authz import scope_of, visible
from vpdt.core.pdf import fmt_date, fmt_datetime
from vpdt.directory.models import Role

from . import lifecycle
from .models import Answer, AnswerFile, Choice, DeadlineRequest, Poll, PollGrant, Respondent


def polls(user):
    """The polls the person sees, newest first, each with ``answered`` (theirs) and ``asked`` (they are in the
    audience)."""
    mine = Answer.objects.filter(poll_id=OuterRef("pk"), user_id=user.pk)
    asked = Respondent.objects.filter(poll_id=OuterRef("pk"), user_id=user.pk)
    return (
        visible(Poll, user)
        .select_related("poller")
        .annotate(answered=Exists(mine), asked=Exists(asked))
        .order_by("-created_at", "-id")
    )


def waiting(user):
    """Open polls asking the person, not answered yet, before their deadline."""
    return polls(user).filter(asked=True, answered=False, status="open", deadline__gt=timezone.now())


def grants(user):
    return visible(PollGrant, user).select_related("grantee", "granted_by", "document").order_by("-id")


def may_grant(user) -> bool:
    scope = scope_of(user)
    return scope.agency_id is not None and scope.has_role(Role.LEADER)


def deadline_requests(user, poll: Poll) -> list[DeadlineRequest]:
    """The requests for more time on the poll the person sees (all of them for the poller and the agency's leaders,
    their own for a person asked), newest first, each with ``actions`` (see :func:`.lifecycle.request_actions`)."""
    rows = list(
        visible(DeadlineRequest, user)
        .filter(poll_id=poll.pk)
        .select_related("user", "decided_by")
        .order_by("-created_at", "-id")
    )
    for row in rows:
        row.poll = poll
        row.actions = lifecycle.request_actions(user, row)
    return rows


def own_answer(user, poll: Poll) -> Answer | None:
    return visible(Answer, user).filter(poll_id=poll.pk, user_id=user.pk).prefetch_related("files__file").first()


def answers(user, poll: Poll):
    """All the answers, for those who see the results; else only their own."""
    return (
        visible(Answer, user)
        .filter(poll_id=poll.pk)
        .select_related("user")
        .prefetch_related("files__file")
        .order_by("created_at", "id")
    )


def answer_files(user, poll: Poll):
    return visible(AnswerFile, user).filter(answer__poll_id=poll.pk).select_related("file")


def summary(poll: Poll) -> dict:
    """Counts per answer and per unit, who has not answered (per person and per unit), and the texts. Called on a
    poll the caller already may see the results of (see :func:`.lifecycle.available_actions`)."""
    respondents = list(
        Respondent.objects.filter(poll_id=poll.pk)
        .select_related("user", "unit")
        .order_by("unit__name", "user__full_name")
    )
    given = {a.user_id: a for a in Answer.objects.filter(poll_id=poll.pk).order_by("created_at", "id")}
    counts = {c: 0 for c in Choice.values}
    units: dict = {}
    texts, silent = [], []
    for r in respondents:
        name = r.unit.name if r.unit_id else gettext("Không thuộc đơn vị")
        row = units.setdefault(
            name, {"unit": name, "asked": 0, "answered": 0, **{c: 0 for c in Choice.values}, "silent": []}
        )
        row["asked"] += 1
        a = given.get(r.user_id)
        if a is None:
            row["silent"].append(r.user.full_name)
            silent.append({"name": r.user.full_name, "unit": name})
            continue
        row["answered"] += 1
        row[a.choice] += 1
        counts[a.choice] += 1
        texts.append(
            {
                "name": r.user.full_name,
                "unit": name,
                "choice": a.get_choice_display(),
                "text": a.text,
                "at": a.updated_at,
            }
        )
    return {
        "asked": len(respondents),
        "answered": len(texts),
        "not_answered": len(silent),
        "counts": [{"code": c, "label": str(label), "n": counts[c]} for c, label in Choice.choices],
        "units": list(units.values()),
        "texts": texts,
        "silent": silent,
    }


def summary_text(poll: Poll, data: dict) -> str:
    """The summary as plain Vietnamese text (kept on the poll, added to the draft as a comment)."""
    lines = [
        f"Tổng hợp lấy ý kiến “{poll.title}” (mở {fmt_date(poll.created_at)}, hạn {fmt_date(poll.deadline)}):",
        f"Số người được lấy ý kiến: {data['asked']}; đã trả lời: {data['answered']}; chưa trả lời: {data['not_answered']}.",
        "; ".join(f"{c['label']}: {c['n']}" for c in data["counts"]) + ".",
    ]
    for row in data["units"]:
        lines.append(f"- {row['unit']}: {row['answered']}/{row['asked']} đã trả lời.")
    for t in data["texts"]:
        if t["text"]:
            lines.append(f"• {t['name']} ({t['unit']}) — {t['choice']}: {t['text']}")
    if data["silent"]:
        lines.append("Chưa trả lời: " + ", ".join(s["name"] for s in data["silent"]) + ".")
    lines.append(f"Lập lúc {fmt_datetime(timezone.now())}.")
    return "\n".join(lines)
