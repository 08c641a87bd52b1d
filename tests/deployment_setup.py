"""Run inside one deployment of the two-deployment tests (``python -m tests.deployment_setup <action> …`` with that
deployment's environment): prepare it as the province hub (the demo of Nghệ An) or as the system of Hà Tĩnh
connected to that hub, and issue documents there the way its people would. Prints JSON on its last line."""

from __future__ import annotations

import argparse
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")
django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from vpdt.accounts import services as accounts  # noqa: E402
from vpdt.accounts.models import User  # noqa: E402
from vpdt.catalog.models import DocumentType  # noqa: E402
from vpdt.directory import services as directory  # noqa: E402
from vpdt.directory.models import Agency, Level, Role  # noqa: E402
from vpdt.exchange import auth  # noqa: E402
from vpdt.exchange.models import Partner, PartnerRole  # noqa: E402
from vpdt.outgoing import services as out  # noqa: E402
from vpdt.outgoing.lifecycle import reviewer_of  # noqa: E402
from vpdt.outgoing.models import OutStatus, RecipientKind  # noqa: E402
from vpdt.outgoing.services import RecipientSpec  # noqa: E402
from vpdt.signing import samples  # noqa: E402
from vpdt.signing import services as signing  # noqa: E402
from vpdt.signing.models import TrustRoot  # noqa: E402

PASSWORD = "LienThong#2026"
DEMO_PASSPHRASE = "Demo#KySo26"
HA_TINH = "000.00.00.H42"
SYSTEM = "qlvb-ha-tinh-mo-phong"  # the connected system's code at the hub (the demo's partner)
HA_TINH_PEOPLE = [
    # full name, unit, title, role
    ("Phan Thị Thu Hằng", "VP", "Văn thư", Role.CLERK),
    ("Nguyễn Hồng Lĩnh", None, "Phó Chủ tịch UBND tỉnh", Role.LEADER),
    ("Trần Văn Quang", "KT", "Trưởng phòng Kinh tế ngành", Role.UNIT_LEADER),
    ("Lê Thị Hoài Thương", "KT", "Chuyên viên", Role.STAFF),
    ("Đậu Quang Vinh", "VP", "Quản trị hệ thống cấp tỉnh", Role.PROVINCE_ADMIN),
]


def _ready(users) -> None:
    """Known password, no forced change at first login: the tests log in as these people."""
    now = timezone.now()
    for user in users:
        user.set_password(PASSWORD)
        user.must_change_password, user.password_changed_at, user.password_issued_at = False, now, now
        user.save(update_fields=["password", "must_change_password", "password_changed_at", "password_issued_at"])


def hub(args) -> dict:
    """The demo deployment becomes the hub the Hà Tĩnh system connects to, with a secret both sides know."""
    _ready(User.objects.filter(is_active=True))
    Partner.objects.filter(code=SYSTEM).update(secret=auth.seal_secret(args.secret), settings={})
    roots = "".join(TrustRoot.objects.order_by("id").values_list("certificate", flat=True))
    return {"trust_pem": roots, "users": {u.username: u.full_name for u in User.objects.all()}}


@transaction.atomic
def connected(args) -> dict:
    """The people's committee of Hà Tĩnh in its own system, whose hub above is the other deployment."""
    root = directory.create_agency(
        None,
        None,
        name="Ủy ban nhân dân tỉnh Hà Tĩnh",
        short_name="UBND",
        code=HA_TINH,
        level=Level.PROVINCE,
        address="Số 1 đường Nguyễn Tất Thành, thành phố Hà Tĩnh",
        email="vpubnd@hatinh.gov.vn",
    )
    units = {
        "VP": directory.create_unit(None, root, name="Văn phòng Ủy ban nhân dân tỉnh", short_name="VP"),
        "KT": directory.create_unit(None, root, name="Phòng Kinh tế ngành", short_name="KT"),
    }
    people = []
    for full_name, unit, title, role in HA_TINH_PEOPLE:
        user, _otp = accounts.create_account(
            None, full_name=full_name, agency=root, unit=units.get(unit), title=title, role=role
        )
        people.append(user)
    _ready(people)
    Partner.objects.create(
        code="truc-nghe-an",
        name="Trục liên thông tỉnh Nghệ An",
        role=PartnerRole.UPSTREAM,
        base_url=args.hub_url,
        own_code=SYSTEM,
        secret=auth.seal_secret(args.secret),
    )
    return {"users": {u.username: u.full_name for u in people}}


def trust(args) -> dict:
    """The hub province's certification authority becomes a trust root here (its signatures verify)."""
    admin = User.objects.filter(positions__role=Role.PROVINCE_ADMIN, positions__is_active=True).first()
    with open(args.pem, "rb") as pem:
        added = signing.add_trust_roots(admin, pem.read(), name="CA tỉnh Nghệ An (thử nghiệm)")
    return {"trust_roots": len(added)}


def _of(agency: Agency, role: str) -> User:
    return User.objects.filter(positions__agency=agency, positions__role=role, positions__is_active=True).first()


def _pdf(agency: Agency, leader: User, args) -> bytes:
    return samples.nd30_pdf(
        agency=agency.name.upper(),
        parent="",
        notation="TB",
        place="Vinh",
        doc_type="",
        subject=args.subject,
        authority="",
        position="GIÁM ĐỐC",
        signer=leader.full_name,
        recipients=(f"{args.to_name};", "Lưu: VT."),
    )


def _draft(agency: Agency, args, index: int, pdf: bytes):
    staff = _of(agency, Role.STAFF)
    leader = _of(agency, Role.LEADER)
    subject = f"{args.subject} (lần {index + 1})" if args.count > 1 else args.subject
    document = out.create_draft(
        staff,
        doc_type=DocumentType.objects.filter(name="Công văn").first(),
        subject=subject,
        text="Đề nghị Quý cơ quan phối hợp thực hiện.",
        recipients=[RecipientSpec(RecipientKind.EXTERNAL, name=args.to_name, organ_id=args.to)],
        files=[SimpleUploadedFile("cong-van.pdf", pdf, content_type="application/pdf")],
        signer=leader,
        urgency=args.urgency,
    )
    document = out.submit(staff, document)
    while document.status == OutStatus.IN_REVIEW:
        reviewer = User.objects.get(pk=reviewer_of(document))
        signed = args.signed and reviewer.pk == leader.pk
        document = out.approve(reviewer, document, comment="Đồng ý.", passphrase=DEMO_PASSPHRASE if signed else None)
    return document


def issue(args) -> dict:
    """Documents drafted, reviewed and approved by the agency's people, then issued by its clerk (unless
    ``--approve-only``: the clerk will issue it in the browser)."""
    agency = Agency.objects.get(code=args.agency)
    clerk = _of(agency, Role.CLERK)
    done = []
    pdf = _pdf(agency, _of(agency, Role.LEADER), args)  # laid out once: every document carries the same file
    for index in range(args.count):
        document = _draft(agency, args, index, pdf)
        if not args.approve_only:
            document = out.issue(clerk, document)
        done.append({"id": document.pk, "issued_at": document.issued_at.isoformat() if document.issued_at else None})
    return {"documents": done}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    actions = parser.add_subparsers(dest="action", required=True)
    h = actions.add_parser("hub")
    h.add_argument("--secret", required=True)
    c = actions.add_parser("connected")
    c.add_argument("--secret", required=True)
    c.add_argument("--hub-url", required=True)
    t = actions.add_parser("trust")
    t.add_argument("--pem", required=True)
    i = actions.add_parser("issue")
    i.add_argument("--agency", required=True)
    i.add_argument("--to", required=True)
    i.add_argument("--to-name", required=True)
    i.add_argument("--subject", default="V/v phối hợp quản lý trật tự xây dựng tuyến Quốc lộ 1 đoạn giáp ranh")
    i.add_argument("--count", type=int, default=1)
    i.add_argument("--urgency", type=int, default=0)
    i.add_argument("--signed", action="store_true")
    i.add_argument("--approve-only", action="store_true")
    args = parser.parse_args(argv)
    result = {"hub": hub, "connected": connected, "trust": trust, "issue": issue}[args.action](args)
    sys.stdout.write("\n" + json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
