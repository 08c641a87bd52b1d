"""Generated outgoing documents (vpdt generate-data --outgoing N): status mix, gapless numbers that real issues
continue, review steps, recipients and a journal whose chain verifies."""

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.journal import services as journal
from vpdt.outgoing import numbering, services
from vpdt.outgoing.models import (
    DeliveryStatus,
    OutgoingDocument,
    OutStatus,
    Recipient,
    RecipientKind,
    ReviewStep,
    StepStatus,
    Version,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(db):
    call_command("generate_data", agencies=12, users=200, verbosity=0)
    call_command("generate_data", outgoing=800, verbosity=0)


def test_needs_the_generated_directory(db):
    from vpdt.sampledata import outgoing_generator

    with pytest.raises(RuntimeError, match="danh bạ sinh tự động"):
        outgoing_generator.generate_outgoing(10)


def test_status_mix_versions_and_steps(generated):
    docs = OutgoingDocument.objects.all()
    assert docs.count() == 800
    counts = dict(docs.values_list("status").annotate(n=Count("id")))
    assert 560 <= counts[OutStatus.ISSUED] <= 720
    for status in (OutStatus.IN_REVIEW, OutStatus.APPROVED, OutStatus.DRAFTING):
        assert counts.get(status, 0) >= 10, counts
    assert counts.get(OutStatus.RETURNED, 0) >= 1
    # Every document has exactly version 1, with its text.
    assert Version.objects.count() == 800
    assert not Version.objects.filter(text="").exists()
    # In review: exactly one active step, the current one, at a unit leader or the agency leader.
    for doc in docs.filter(status=OutStatus.IN_REVIEW).select_related("current_step"):
        active = list(doc.steps.filter(status=StepStatus.ACTIVE))
        assert active == [doc.current_step]
        assert active[0].due_date is not None
    assert ReviewStep.objects.filter(status=StepStatus.ACTIVE, due_date__lt=timezone.localdate()).exists()
    assert (
        not ReviewStep.objects.filter(status=StepStatus.ACTIVE).exclude(document__status=OutStatus.IN_REVIEW).exists()
    )
    # Issued and approved ones went through all their steps; drafts have none.
    assert (
        not ReviewStep.objects.filter(document__status__in=[OutStatus.ISSUED, OutStatus.APPROVED])
        .exclude(status=StepStatus.APPROVED)
        .exists()
    )
    assert not ReviewStep.objects.filter(document__status=OutStatus.DRAFTING).exists()
    assert (
        ReviewStep.objects.filter(document__status=OutStatus.RETURNED, status=StepStatus.RETURNED).count()
        == counts[OutStatus.RETURNED]
    )
    assert (
        docs.filter(status=OutStatus.APPROVED, approved_by__isnull=False, number__isnull=True).count()
        == counts[OutStatus.APPROVED]
    )


def test_issued_have_recipients_with_delivery_status(generated):
    issued = OutgoingDocument.objects.filter(status=OutStatus.ISSUED)
    per_doc = issued.annotate(n=Count("recipients")).aggregate(lo=Min("n"), hi=Max("n"))
    assert per_doc["lo"] >= 1 and per_doc["hi"] <= 3
    assert not Recipient.objects.exclude(document__status=OutStatus.ISSUED).exists()
    agencies = Recipient.objects.filter(kind=RecipientKind.AGENCY)
    assert not agencies.filter(status=DeliveryStatus.PENDING).exists()
    assert set(agencies.values_list("status", flat=True)) <= {"01", "02", "03", "04", "05", "06"}
    assert agencies.filter(status=DeliveryStatus.COMPLETED).exists()
    assert not agencies.filter(agency=F("document__agency")).exists()
    assert Recipient.objects.filter(kind=RecipientKind.UNIT, unit__isnull=False).exists()


def test_numbers_gapless_and_real_issue_continues(generated):
    issued = OutgoingDocument.objects.filter(status=OutStatus.ISSUED)
    rows = list(issued.values("agency", "year", "series").annotate(n=Count("id"), lo=Min("number"), hi=Max("number")))
    assert len({r["agency"] for r in rows}) >= 3 and any(r["series"] == "qppl:QĐ" for r in rows), rows
    for row in rows:
        assert row["lo"] == 1 and row["hi"] == row["n"], row  # 1..n without gaps
    from vpdt.core.models import Counter

    for row in rows:
        key = numbering.counter_key(row["agency"], row["year"], row["series"])
        assert Counter.objects.get(key=key).value == row["hi"]
    sample = issued.select_related("agency", "doc_type", "unit").first()
    assert sample.code_number == f"{sample.number:02d}"
    assert sample.code_notation == numbering.notation(sample, sample.year)
    assert sample.issued_date.year == sample.year

    # A real issue by the clerk continues this year's general series: max + 1.
    doc = (
        OutgoingDocument.objects.filter(status=OutStatus.APPROVED, is_legal_normative=False, doc_type__is_copy=False)
        .select_related("agency")
        .first()
    )
    clerk = User.objects.get(pk=issued.filter(agency=doc.agency).values_list("issued_by", flat=True).first())
    year = timezone.localdate().year
    top = (
        OutgoingDocument.objects.filter(agency=doc.agency, year=year, series=numbering.GENERAL).aggregate(
            m=Max("number")
        )["m"]
        or 0
    )
    services.issue(clerk, doc)
    doc.refresh_from_db()
    assert (doc.status, doc.year, doc.series, doc.number) == (OutStatus.ISSUED, year, numbering.GENERAL, top + 1)


def test_journal_chain_verifies(generated):
    result = journal.verify()
    assert result.ok, result.problems[:3]
    from vpdt.journal.models import JournalEntry

    issued = OutgoingDocument.objects.filter(status=OutStatus.ISSUED).count()
    assert JournalEntry.objects.filter(action="outgoing.create").count() == 800
    assert JournalEntry.objects.filter(action="outgoing.issue").count() == issued
    entry = JournalEntry.objects.filter(action="outgoing.issue").first()
    doc = OutgoingDocument.objects.get(pk=int(entry.object_id))
    assert entry.details["number_symbol"] == doc.number_symbol


def test_parts_write_the_whole_set_without_overlap(db):
    from vpdt.sampledata import outgoing_generator

    call_command("generate_data", agencies=12, users=200, verbosity=0)
    made = [outgoing_generator.generate_outgoing(300, part=(i, 2)) for i in range(2)]
    assert sum(made) == 300 == OutgoingDocument.objects.count() and all(made)
    for row in (
        OutgoingDocument.objects.filter(status=OutStatus.ISSUED)
        .values("agency", "year", "series")
        .annotate(n=Count("id"), lo=Min("number"), hi=Max("number"))
    ):
        assert row["lo"] == 1 and row["hi"] == row["n"], row
    assert journal.verify().ok
