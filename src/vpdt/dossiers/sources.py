"""How search finds dossiers: registered in ``DossiersConfig.ready()``, so search never imports this app."""

from __future__ import annotations

from django.utils import timezone

from vpdt.search import sources as search
from vpdt.search.documents import Source, lines
from vpdt.search.models import Kind
from vpdt.search.text import fold, number_key

from .models import Dossier, DossierItem, DossierStatus


def search_fields(dossier: Dossier) -> dict:
    agency = dossier.agency
    return dict(
        agency_id=dossier.agency_id,
        doc_type_id=None,
        number=dossier.file_code,
        number_key=number_key(dossier.file_code),
        title=dossier.title,
        issuer=agency.name,
        issuer_key=fold(f"{agency.name} {agency.code} {agency.short_name}"),
        doc_date=dossier.start_date or timezone.localtime(dossier.created_at).date(),
        urgency=None,
        status=dossier.status,
        status_label=dossier.get_status_display(),
        body=lines(dossier.title, dossier.file_code, dossier.creator, dossier.description),
    )


def register() -> None:
    search.register(
        Source(
            kind=Kind.DOSSIER,
            model=Dossier,
            url="/ho-so/{}/",
            predicate="view",
            fields=search_fields,
            loader=lambda: Dossier.objects.select_related("agency", "unit", "owner"),
            units=lambda unit_id: [Dossier.objects.filter(unit_id=unit_id).values("pk")],
            handlers=lambda user_id: [Dossier.objects.filter(owner_id=user_id).values("pk")],
            statuses=("Hồ sơ công việc", list(DossierStatus.choices)),
            watched=((DossierItem, "dossier_id"),),
        )
    )
