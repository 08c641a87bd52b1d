"""An issued document's files carry its official name (number, symbol and date), not the draft's: the receiving
agency saw “du_thao_tra_loi_v2-ban-hanh.pdf”. Inside the deployment (the arrival, the registered copy) and in the
edXML package sent through the exchange."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import make_person
from tests.signing_support import PASSPHRASE, equip, nd30
from tests.test_exchange_sending import PDF, QUANG_TRI, hub, upstream  # noqa: F401  (fixtures)
from tests.test_outgoing_api import approve_all, draft
from vpdt.directory.models import Role
from vpdt.exchange import internal
from vpdt.exchange.edxml import reader
from vpdt.exchange.models import Direction, Message
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import filenames
from vpdt.outgoing import services as out
from vpdt.outgoing.models import OutgoingDocument, RecipientKind
from vpdt.outgoing.services import RecipientSpec
from vpdt.outgoing.signatures import final_files, name_travelling
from vpdt.storage.services import read_stored


def _pdf(name, data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_the_official_name_is_ascii_from_number_symbol_and_date():
    doc = OutgoingDocument(code_number="123", code_notation="QĐ-UBND", issued_date=dt.date(2026, 12, 7))
    assert filenames.official_stem(doc) == "123-QD-UBND_07-12-2026"
    doc.code_number, doc.code_notation = "15/2026", "NQ-HĐND tỉnh Đắk Lắk"
    assert filenames.official_stem(doc) == "15-2026-NQ-HDND-tinh-Dak-Lak_07-12-2026"


def test_a_sealed_document_reaches_its_recipients_under_its_official_name(org, upstream, hub, login):
    equip(org)
    stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    approved = out.submit(
        org.sxd_staff,
        draft(
            org,
            recipients=[QUANG_TRI, RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)],
            files=[_pdf("du_thao_tra_loi_v2.pdf", nd30())],
            appendix_files=[_pdf("Phụ lục số liệu giải ngân.pdf", nd30()), _pdf("bang-tong-hop.pdf", nd30())],
        ),
    )
    approved = out.approve(org.sxd_unit_leader, approved, comment="Đồng ý nội dung.")
    approved = out.approve(org.sxd_leader, approved, comment="Đồng ý ký ban hành.", passphrase=PASSPHRASE)
    issued = out.issue(org.sxd_clerk, approved, passphrase=PASSPHRASE)
    stem = f"{issued.code_number}-SXD-KHTC_{timezone.localdate():%d-%m-%Y}"
    expected = [f"{stem}.pdf", f"{stem}_phu-luc-1.pdf", f"{stem}_phu-luc-2.pdf"]
    assert [f.original_name for f in final_files(issued)] == expected
    entry = JournalEntry.objects.get(action="outgoing.issue", object_id=str(issued.pk))
    assert entry.details["files"] == expected

    # Another system: the edXML package names its attachments so.
    package = reader.read(read_stored(Message.objects.get(direction=Direction.OUT).file)).package
    assert [a.name for a in package.attachments] == expected

    # An agency of the deployment: its clerk sees the names among the arrivals, then on the registered document.
    clerk = login(stttt_clerk)
    html = clerk.get("/lien-thong/den/").content.decode()
    assert all(name in html for name in expected) and "du_thao_tra_loi_v2" not in html
    registered = internal.receive(stttt_clerk, issued.recipients.get(agency=org.stttt))
    html = clerk.get(f"/van-ban-den/{registered.document.pk}/").content.decode()
    assert all(name in html for name in expected) and "ban-hanh" not in html


def test_a_document_issued_without_seal_sends_its_signed_draft_under_the_official_name(org):
    issued = out.issue(
        org.sxd_clerk,
        approve_all(
            org,
            draft(
                org,
                recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)],
                files=[_pdf("Dự thảo trả lời (lần 2).pdf"), SimpleUploadedFile("du-thao.docx", b"PK\x03\x04")],
            ),
        ),
        issued_date=timezone.localdate() - dt.timedelta(days=1),
    )
    stem = f"{issued.code_number}-SXD-KHTC_{issued.issued_date:%d-%m-%Y}"
    assert sorted(f.original_name for f in final_files(issued)) == [f"{stem}.pdf", f"{stem}_2.docx"]
    # The same document and files always get the same names.
    assert name_travelling(issued) == [f.original_name for f in final_files(issued)]
