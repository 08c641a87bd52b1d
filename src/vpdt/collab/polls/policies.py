"""Who sees and who acts on polls. One SQL predicate each (see :mod:`vpdt.core.authz`); nobody of another agency
sees anything of a poll.

* **Grants** (:class:`PollGrant`): seen by the grantee and the agency's leaders; given and withdrawn
  (``manage``) by the agency's leaders.
* **Polls**: seen (``view``) by the poller, the audience (resolved at opening), the agency's leaders, and its
  administrators (who decide on keeping a closed poll longer; they see the poll, not the answers). The
  results — everyone's answers with names, the non-responders, the exports (``results``) — by the poller and the
  agency's leaders. Closing and extending the deadline (``manage``): the poller. Keeping a closed poll longer
  (``extend``): the agency's administrators, on the poller's request.
* **Answers**: a person sees their own answer; the poller and the agency's leaders see all. Other members of the
  audience do not see each other's answers.
* **Requests for more time** (:class:`DeadlineRequest`): seen by the person who asked and by who sees the results;
  decided (``manage``) by the poller.
* **Files**: the draft file of a poll is read by who sees the poll; an answer's attachment by who sees the answer.
"""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING
from vpdt.directory.models import Role

from .models import Answer, AnswerFile, DeadlineRequest, Poll, PollGrant, Respondent


def _leader(scope, agency_field: str = "agency") -> Q:
    if scope.agency_id is None or not scope.has_role(Role.LEADER):
        return NOTHING
    return scope.own_agency(agency_field)


def _admin(scope) -> Q:
    return Q(agency_id__in=sorted(scope.admin_agency_ids)) if scope.admin_agency_ids else NOTHING


def _grant_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    q = _leader(scope)
    if scope.user_id and scope.agency_id:
        q |= Q(grantee_id=scope.user_id) & scope.own_agency()
    return q


def _grant_manage(scope) -> Q:
    return Q() if scope.is_superuser else _leader(scope)


def _poll_results(scope) -> Q:
    if scope.is_superuser:
        return Q()
    q = _leader(scope)
    if scope.user_id and scope.agency_id:
        q |= Q(poller_id=scope.user_id) & scope.own_agency()
    return q


def _poll_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    q = _poll_results(scope) | _admin(scope)
    if scope.user_id and scope.agency_id:
        asked = Respondent.objects.filter(user_id=scope.user_id).values("poll_id")
        q |= Q(pk__in=asked) & scope.own_agency()
    return q


def _poll_manage(scope) -> Q:
    if scope.is_superuser:
        return Q()
    if scope.user_id is None or scope.agency_id is None:
        return NOTHING
    return Q(poller_id=scope.user_id) & scope.own_agency()


def _poll_extend(scope) -> Q:
    return Q() if scope.is_superuser else _admin(scope)


def _answer_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    q = Q(poll_id__in=Poll.objects.filter(_poll_results(scope)).values("pk"))
    if scope.user_id and scope.agency_id:
        q |= Q(user_id=scope.user_id) & scope.own_agency("poll__agency")
    return q


def _respondent_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    q = Q(poll_id__in=Poll.objects.filter(_poll_results(scope)).values("pk"))
    if scope.user_id and scope.agency_id:
        q |= Q(user_id=scope.user_id) & scope.own_agency("poll__agency")
    return q


def _answer_file_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return Q(answer_id__in=Answer.objects.filter(_answer_view(scope)).values("pk"))


def readable_files(scope):
    """The stored files ``scope`` reads through polls: the draft files of the polls it sees (uploaded file), and
    the attachments of the answers it sees."""
    from vpdt.storage.models import StoredFile

    polls = Poll.objects.filter(_poll_view(scope)).exclude(file__isnull=True).values("file_id")
    answers = AnswerFile.objects.filter(_answer_file_view(scope)).values("file_id")
    return StoredFile.objects.filter(Q(pk__in=polls) | Q(pk__in=answers)).values("pk")


authz.register(PollGrant, view=_grant_view, manage=_grant_manage)
authz.register(Poll, view=_poll_view, manage=_poll_manage, results=_poll_results, extend=_poll_extend)


def _respondent_manage(scope) -> Q:
    return Q(poll_id__in=Poll.objects.filter(_poll_manage(scope)).values("pk"))


authz.register(Respondent, view=_respondent_view, manage=_respondent_manage)
authz.register(Answer, view=_answer_view, manage=lambda scope: NOTHING)
authz.register(AnswerFile, view=_answer_file_view, manage=lambda scope: NOTHING)
authz.register(DeadlineRequest, view=_respondent_view, manage=_respondent_manage)
