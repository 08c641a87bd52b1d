from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext

from vpdt.core.authz import scope_of
from vpdt.core.pagination import page_of, query_without_cursor
from vpdt.core.roles import Role

from . import policies, sentences
from .filters import filter_entries
from .models import JournalEntry


@login_required
def journal_list(request):
    scope = scope_of(request.user)
    if not (scope.is_admin or scope.has_role(Role.IT_OFFICER)):
        raise PermissionDenied("Chỉ quản trị hệ thống và cán bộ CNTT được xem nhật ký.")
    qs, form_values, errors = filter_entries(policies.readable(request.user), request.GET, scope)
    page = page_of(request, qs, order=("-seq",), default=100)
    sentences.annotate(policies.mark_content(page, request.user))
    for entry in page:
        entry.object_label = sentences.object_label(entry.object_type)
    return render(
        request,
        "journal/list.html",
        {
            "page": page,
            "query": query_without_cursor(request),
            "f": form_values,
            "errors": errors,
            "hidden_note": policies.HIDDEN_NOTE,
            "actions": _action_choices(form_values["action"]),
        },
    )


def _action_choices(chosen: str) -> list[tuple[str, str]]:
    """The filter's choices: each group of actions by its Vietnamese name (the value: the actions' first word),
    and an action chosen otherwise (a link, the API's spelling) by its own name."""
    choices = sorted(((f"{prefix}.", str(name)) for prefix, name in sentences.GROUPS.items()), key=lambda c: c[1])
    if chosen and chosen not in dict(choices):
        entry = JournalEntry(action=chosen)
        named = sentences.label(entry) if chosen in sentences.registered() else sentences.group_of(chosen)
        choices.insert(0, (chosen, named or gettext("Hành động khác")))
    return choices
