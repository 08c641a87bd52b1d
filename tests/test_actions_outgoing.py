"""A button is shown if and only if the service would accept the action: for every action on an outgoing document
in every state, and every viewer of the permission suite, ``available_actions`` (what the screens and the API
offer) agrees with the service's answer, and the detail page shows exactly those buttons."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests import parts_world, shared_data
from tests.parts_world import VIEWERS
from tests.signing_support import nd30
from vpdt.catalog.models import DocumentType
from vpdt.exchange import internal
from vpdt.exchange.lifecycle import DELIVERY, RECIPIENT_ACTIONS, delivery_actions
from vpdt.outgoing import services as out
from vpdt.outgoing.lifecycle import DOCUMENT, available_actions
from vpdt.outgoing.models import DeliveryStatus, OutgoingDocument, OutStatus, Recipient, RecipientKind
from vpdt.outgoing.services import RecipientSpec

pytestmark = pytest.mark.django_db

# action → the data-testid of its button on the detail page
BUTTONS = {
    "submit": "submit",
    "cancel": "cancel",
    "edit": "edit",
    "revise": "revise",
    "approve": "approve",
    "return": "return",
    "consult": "consult",
    "comment": "add-comment",
    "issue": "issue",
    "recall": "recall",
    "confirm": "issue-confirm",
}


class _Rollback(Exception):
    pass


def _new(org, subject):
    return out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Công văn"),
        signer=org.sxd_leader,
        subject=subject,
        text="Kính gửi: UBND tỉnh\nSở Xây dựng báo cáo.",
        files=[SimpleUploadedFile("du-thao.pdf", nd30(subject=subject))],
    )


def _through_review(org, doc):
    doc = out.submit(org.sxd_staff, doc)
    doc = out.approve(org.sxd_unit_leader, doc, comment="Đồng ý nội dung.")
    return out.approve(org.sxd_leader, doc, comment="Đồng ý ký.")


@shared_data.over("org")
def world(org):
    org = parts_world.build(org)
    drafting = _new(org, "V/v báo cáo kết quả thanh tra chuyên ngành quý IV")
    returned = out.return_draft(
        org.sxd_unit_leader,
        out.submit(org.sxd_staff, _new(org, "V/v kế hoạch kiểm tra công tác nghiệm thu công trình")),
        comment="Bổ sung danh sách công trình.",
    )
    approved = _through_review(org, _new(org, "V/v góp ý dự thảo quy hoạch chung đô thị Vinh"))
    cancelled = out.cancel(org.sxd_staff, _new(org, "V/v đề nghị cấp kinh phí tập huấn"), "Không cần nữa.")
    to_recall = _new(org, "V/v triển khai phần mềm quản lý cấp phép xây dựng")
    out.update_draft(org.sxd_staff, to_recall, recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)])
    to_recall = out.issue(org.sxd_clerk, _through_review(org, to_recall))
    internal.receive(org.stttt_clerk, to_recall.recipients.get(agency=org.stttt))
    recalled = out.recall(org.sxd_clerk, to_recall, "Sai thể thức, ban hành lại.")
    org.deliveries = {
        "registered": org.stttt_delivery,
        "arrived": org.district_delivery,
        "recall_requested": recalled.recipients.get(agency=org.stttt),
    }
    org.documents = {
        "drafting": drafting,
        "in_review": org.draft,
        "returned": returned,
        "approved": approved,
        "issued": org.issued,
        "cancelled": cancelled,
        "recalled": recalled,
    }
    return org


def _calls(org, user):
    colleague = org.sxd_vp_staff if user.pk == org.consulted.pk else org.consulted
    return {
        "submit": lambda d: out.submit(user, d),
        "return": lambda d: out.return_draft(user, d, comment="Đề nghị sửa lại phần căn cứ."),
        "approve": lambda d: out.approve(user, d, comment="Đồng ý."),
        "issue": lambda d: out.issue(user, d),
        "recall": lambda d: out.recall(user, d, "Văn bản ban hành sai thẩm quyền."),
        "cancel": lambda d: out.cancel(user, d, "Không ban hành nữa."),
        "edit": lambda d: out.update_draft(user, d, subject=f"{d.subject} (bổ sung)"),
        "revise": lambda d: out.revise(user, d, text="Kính gửi: UBND tỉnh\nNội dung đã sửa."),
        "consult": lambda d: out.consult(user, d, [colleague], question="Cho ý kiến về số liệu."),
        "comment": lambda d: out.add_comment(user, out.latest_version(d), "Góp ý về bố cục văn bản."),
        "confirm": lambda d: out.confirm(user, d),
    }


def _accepted(call, pk) -> bool:
    """Whether the service accepts the action; nothing it writes is kept."""
    try:
        with transaction.atomic():
            call(OutgoingDocument.objects.get(pk=pk))
            raise _Rollback
    except _Rollback:
        return True
    except (PermissionDenied, ValidationError):
        return False


def test_every_action_is_offered_exactly_when_the_service_accepts_it(world):
    assert {t.name for t in DOCUMENT.transitions} == set(BUTTONS)
    offered_somewhere = set()
    for name in VIEWERS:
        user = getattr(world, name)
        calls = _calls(world, user)
        for state, doc in world.documents.items():
            fresh = OutgoingDocument.objects.get(pk=doc.pk)
            offered = available_actions(user, fresh)
            offered_somewhere |= offered
            for action, call in calls.items():
                assert (action in offered) is _accepted(call, doc.pk), (name, state, action)
    # The world exercises every action at least once.
    assert offered_somewhere == set(BUTTONS)


def test_the_detail_page_shows_exactly_the_available_buttons(world, login):
    for name in VIEWERS:
        user = getattr(world, name)
        web = login(user)
        for state, doc in world.documents.items():
            offered = available_actions(user, OutgoingDocument.objects.get(pk=doc.pk))
            response = web.get(f"/van-ban-di/{doc.pk}/")
            if response.status_code == 404:
                assert offered == set(), (name, state)
                continue
            shown = set(re.findall(r'data-testid="([a-z-]+)"', response.content.decode()))
            for action, testid in BUTTONS.items():
                assert (testid in shown) is (action in offered), (name, state, action)


def test_the_api_lists_the_same_actions(world, api):
    for name in ("sxd_staff", "sxd_unit_leader", "sxd_leader", "sxd_clerk", "deputy", "sxd_admin"):
        user = getattr(world, name)
        client = api(user)
        for state, doc in world.documents.items():
            response = client.get(f"/api/v1/outgoing-documents/{doc.pk}/")
            offered = available_actions(user, OutgoingDocument.objects.get(pk=doc.pk))
            if response.status_code == 404:
                assert offered == set(), (name, state)
                continue
            assert set(response.json()["actions"]) == offered, (name, state)
    assert world.documents["recalled"].status == OutStatus.RECALLED


def _accepted_delivery(call, pk) -> bool:
    try:
        with transaction.atomic():
            call(Recipient.objects.get(pk=pk))
            raise _Rollback
    except _Rollback:
        return True
    except (PermissionDenied, ValidationError):
        return False


def test_delivery_actions_are_offered_exactly_when_the_service_accepts_them(world, login):
    assert world.deliveries["recall_requested"].status == DeliveryStatus.RECALL_REQUESTED
    assert set(RECIPIENT_ACTIONS) <= {t.name for t in DELIVERY.transitions}
    offered_somewhere = set()
    for name in VIEWERS:
        user = getattr(world, name)
        calls = {
            "receive": lambda r, u=user: internal.receive(u, r),
            "refuse": lambda r, u=user: internal.refuse(u, r, "Văn bản không thuộc thẩm quyền giải quyết."),
            "confirm_recall": lambda r, u=user: internal.confirm_recall(u, r),
            "refuse_recall": lambda r, u=user: internal.refuse_recall(u, r, "Văn bản đã được giao xử lý xong."),
        }
        shown = set()
        for state, row in world.deliveries.items():
            offered = delivery_actions(user, Recipient.objects.get(pk=row.pk))
            offered_somewhere |= offered
            for action, call in calls.items():
                assert (action in offered) is _accepted_delivery(call, row.pk), (name, state, action)
        web = login(user)
        screens = {
            "/lien-thong/den/": (("receive", "/tiep-nhan/"), ("refuse", "/tu-choi/")),
            "/lien-thong/thu-hoi/": (("confirm_recall", "/dong-y/"), ("refuse_recall", "/tu-choi/")),
        }
        for url, markers in screens.items():
            response = web.get(url)
            if response.status_code == 200:
                html = response.content.decode()
                shown |= {a for a, marker in markers if marker in html}
        expected = set().union(
            *(delivery_actions(user, Recipient.objects.get(pk=r.pk)) for r in world.deliveries.values())
        )
        assert shown == expected, name
    assert offered_somewhere == set(RECIPIENT_ACTIONS)
