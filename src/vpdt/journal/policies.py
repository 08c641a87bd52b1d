"""Who reads the journal, and how much of each entry.

**Events** (who, when, which action, which kind of object and its id, from which address): the administrators
of an agency read those of the agencies they administer (a province administrator: every agency of the
province), the IT officers those of their own agency.

**Content** (``object_repr`` and ``details``: subjects, directions, notes, comments, file names…) follows the
objects, not the agencies. Administrators administer accounts, not documents (the dossiers' and documents' own
rules say the same), so:

* *Administration* entries show their content to whoever reads the event, as before: entries with no object or
  an object type that names no model (failed logins for unknown names, backups, blocked malware), objects of the
  apps in :data:`ADMINISTRATION_APPS` (accounts and logins, the agency directory, delegations, the document-type
  catalogue, the journal itself, sample data) and the configuration models in :data:`ADMINISTRATION_MODELS`
  (registers, review chains, file lists, signing certificates, signature images, trust roots, signing policies,
  connected exchange systems and the exchange directory).
* Every other model is *document content* (incoming and outgoing documents, dossiers, digitizations, stored
  files, signature verifications, signing sessions, and whatever app comes next): the content shows only when the
  model is registered in :mod:`vpdt.core.authz` and the object satisfies, for the reader, the model's ``record``
  predicate if it registers one (the part of an object that holds its processing), else its ``view`` predicate —
  whichever is registered when the journal is read. A model that registers neither (e.g. ``storage.storedfile``)
  shows its content to the superuser only.

This is one SQL ``CASE`` over ``object_type`` (:func:`content_visible`), never a per-row check. A page of entries
gets it for the object types on the page only (:func:`mark_content`: one query), a search by object name for every
type (:func:`content_visible` in the ``WHERE``).
"""

from functools import lru_cache

from django.apps import apps
from django.db.models import BigIntegerField, BooleanField, Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Cast

from vpdt.core import authz
from vpdt.core.authz import NOTHING, scope_of
from vpdt.core.roles import Role

from .models import JournalEntry

ADMINISTRATION_APPS = frozenset({"accounts", "directory", "delegation", "catalog", "journal", "core", "sampledata"})
ADMINISTRATION_MODELS = frozenset(
    {
        "incoming.register",
        "outgoing.reviewchain",
        "dossiers.filelist",
        "signing.credential",
        "signing.trustroot",
        "signing.signatureimage",
        "signing.signingpolicy",
        "exchange.partner",
        "exchange.externalagency",
    }
)
HIDDEN_NOTE = "(nội dung không hiển thị: bạn không có quyền xem văn bản này)"


def _view(scope):
    if scope.is_superuser:
        return Q()  # (Q() | NOTHING would be NOTHING: an empty Q drops out of an OR)
    q = scope.administered("agency")
    if scope.has_role(Role.IT_OFFICER):
        q |= scope.own_agency("agency")
    return q


authz.register(JournalEntry, view=_view, manage=_view)


@lru_cache(maxsize=1)
def content_models() -> tuple:
    """The models whose journal entries carry document content."""
    return tuple(
        m
        for m in apps.get_models()
        if m.__module__.startswith("vpdt.")
        and m._meta.app_label not in ADMINISTRATION_APPS
        and m._meta.label_lower not in ADMINISTRATION_MODELS
    )


def _predicate(model, scope):
    for name in ("record", "view"):
        if authz.registered(model, name):
            return authz.predicate(model, name, scope)
    return None


def content_visible(scope, types=None):
    """Boolean SQL expression: may the reader with ``scope`` read the entry's object_repr and details. ``types``
    (object type labels): the expression is meant for entries of these types only, any other type reads as
    hidden."""
    if scope.is_superuser:
        return Value(True)
    whens = []
    for model in content_models():
        if types is not None and model._meta.label_lower not in types:
            continue
        predicate = _predicate(model, scope)
        if predicate is None or predicate == NOTHING or not isinstance(model._meta.pk, IntegerField):
            continue
        objects = model._default_manager.filter(predicate, pk=Cast(OuterRef("object_id"), BigIntegerField()))
        # The type first (cheap), then a numeric id: PostgreSQL's cast would fail on anything else.
        whens.append(
            When(Q(object_type=model._meta.label_lower) & Q(object_id__regex=r"^[0-9]{1,18}$"), then=Exists(objects))
        )
    whens.append(When(object_type__in=[m._meta.label_lower for m in content_models()], then=Value(False)))
    return Case(*whens, default=Value(True), output_field=BooleanField())


def readable(user):
    """The entries ``user`` may read (the events); their content is told by :func:`mark_content`."""
    return authz.visible(JournalEntry, user)


def mark_content(entries, user) -> list:
    """Give each entry ``content_visible`` for ``user``: one query for the document-content types among them (none
    when there is none)."""
    entries = list(entries)
    content = {m._meta.label_lower for m in content_models()}
    types = {e.object_type for e in entries} & content
    shown = {}
    if types:
        expression = content_visible(scope_of(user), types)
        shown = dict(
            JournalEntry.objects.filter(pk__in=[e.pk for e in entries if e.object_type in types])
            .annotate(shown=expression)
            .values_list("pk", "shown")
        )
    for entry in entries:
        entry.content_visible = shown.get(entry.pk, False) if entry.object_type in content else True
    return entries
