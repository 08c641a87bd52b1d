"""The journal read as Vietnamese sentences: every action the code records has one, content hidden from a reader
stays out of it, details read as a labelled list, and the journal screen, the API and the document trails use them.
"""

import ast
import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from freezegun import freeze_time

import vpdt
from tests import shared_data
from tests.conftest import make_person
from vpdt.accounts import services as accounts
from vpdt.accounts.models import StatusReason
from vpdt.catalog.models import DocumentType
from vpdt.core.fsm import Machine
from vpdt.delegation import services as delegation
from vpdt.directory.models import Role
from vpdt.exchange import internal
from vpdt.incoming import queries
from vpdt.incoming import services as incoming
from vpdt.journal import policies, sentences
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import services as out
from vpdt.outgoing.models import RecipientKind
from vpdt.outgoing.services import RecipientSpec

SRC = Path(vpdt.__file__).parent
# Actions built at run time, as the code spells them, and what they become.
DYNAMIC = {
    "f'outgoing.{locked.relation}'": {"outgoing.replaces", "outgoing.corrects"},
    "f'{self.action_prefix}.{transition.name}'": set(),
}  # Machine.apply: the machines are read below
WRITER = SRC / "journal" / "services.py"  # record() and record_many() themselves, whatever they are given
# Registered for entries written by earlier versions (the journal keeps them for ever).
LEGACY = {"outgoing.deliver", "outgoing.delivery_status", "exchange.recall_refused"}


# --- Every recorded action has a sentence -----------------------------------------------------------------


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or path == WRITER:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _is_record(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "record"
        and isinstance(func.value, ast.Name)
        and func.value.id == "journal"
    )


def _resolve(node, tree, problems, where) -> set[str]:
    """The action strings ``node`` (an argument passed as an action) can be."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _resolve(node.body, tree, problems, where) | _resolve(node.orelse, tree, problems, where)
    if isinstance(node, ast.JoinedStr) and ast.unparse(node) in DYNAMIC:
        return DYNAMIC[ast.unparse(node)]
    if isinstance(node, ast.Name):
        for stmt in tree.body:  # a module constant
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id for t in stmt.targets):
                return _resolve(stmt.value, tree, problems, where)
        for func in ast.walk(tree):  # a parameter of a helper: what its callers pass
            if isinstance(func, ast.FunctionDef) and node.id in [a.arg for a in func.args.args]:
                index = [a.arg for a in func.args.args].index(node.id)
                found = set()
                for call in ast.walk(tree):
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == func.name:
                        found |= _resolve(call.args[index], tree, problems, where)
                if found:
                    return found
    problems.append(f"{where}: {ast.unparse(node)}")
    return set()


def recorded_actions() -> tuple[set[str], list[str]]:
    """Every action string the code base records: ``journal.record`` calls, items of ``record_many`` (dicts with
    an "action", as are those of ``record_each``) and entries built directly (``action=`` beside ``object_repr=``), and every transition a
    ``Machine`` applies (``f"{prefix}.{name}"``; transitions without a target are checked, never applied)."""
    actions, problems = set(), []
    machine_modules = set()
    for path, tree in _modules():
        where = str(path.relative_to(SRC.parent))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _is_record(node):
                actions |= _resolve(node.args[0], tree, problems, f"{where}:{node.lineno}")
            elif isinstance(node, ast.Call) and {"action", "object_repr"} <= {k.arg for k in node.keywords}:
                value = next(k.value for k in node.keywords if k.arg == "action")
                actions |= _resolve(value, tree, problems, f"{where}:{node.lineno}")
            elif isinstance(node, ast.Dict) and any(
                call in path.read_text(encoding="utf-8") for call in ("record_many(", "record_each(")
            ):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "action" and isinstance(value, ast.Constant):
                        actions.add(value.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Machine":
                machine_modules.add(".".join(path.relative_to(SRC.parent).with_suffix("").parts))
    for name in machine_modules:
        for value in vars(importlib.import_module(name)).values():
            if isinstance(value, Machine):
                actions |= {f"{value.action_prefix}.{t.name}" for t in value.transitions if t.target is not None}
    return actions, problems


def test_every_recorded_action_has_a_sentence_and_every_sentence_an_action():
    actions, problems = recorded_actions()
    assert not problems, f"actions the scan cannot read (add them to DYNAMIC): {problems}"
    # The scan finds what it must: literal, conditional, module constant, helper parameter, f-string, record_many,
    # an entry built directly, and transitions of each machine.
    assert {
        "auth.login_failed",
        "signing.trust_root.deactivate",
        "signing.credential.expiry",
        "signing.seal",
        "outgoing.corrects",
        "outgoing.issue",
        "journal.reseal",
        "account.lock",
        "outgoing.delivery.receive",
        "incoming.direct",
        "incoming.assignment.withdraw",
        "outgoing.step.approve",
        "digitize.retry",
        "signing.session.expire",
        "dossier.archive",
    } <= actions
    missing = sorted(actions - sentences.registered())
    assert not missing, f"recorded actions without a journal sentence: {missing}"
    stale = sorted(sentences.registered() - actions - LEGACY)
    assert not stale, f"sentences for actions nothing records: {stale}"


def test_the_scan_fails_on_an_action_without_a_sentence(monkeypatch):
    monkeypatch.delitem(sentences._sentences, "outgoing.delivery.receive")
    actions, _problems = recorded_actions()
    assert "outgoing.delivery.receive" in actions - sentences.registered()


def _literal_details():
    """(action, key) of every details dict written literally beside its action."""
    for path, tree in _modules():
        module = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            details = next((k.value for k in node.keywords if k.arg == "details"), None)
            if not isinstance(details, ast.Dict):
                continue
            actions = set()
            if _is_record(node):
                actions = _resolve(node.args[0], tree, [], "")
            elif (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "apply"
                and isinstance(node.func.value, ast.Name)
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
            ):
                machine = getattr(importlib.import_module(module), node.func.value.id, None)
                if isinstance(machine, Machine):
                    actions = {f"{machine.action_prefix}.{node.args[1].value}"}
            for action in actions:
                for key in details.keys:
                    if isinstance(key, ast.Constant):
                        yield action, key.value


def test_every_details_key_written_has_a_label():
    pairs = set(_literal_details())
    assert ("account.create", "full_name") in pairs and ("incoming.direct", "targets") in pairs
    unlabelled = sorted(f"{action}: {key}" for action, key in pairs if not sentences.is_labelled(action, key))
    assert not unlabelled, f"details keys without a Vietnamese label: {unlabelled}"
    actions, _problems = recorded_actions()
    machine_keys = [f"{a}: {k}" for a in actions for k in ("from", "to") if not sentences.is_labelled(a, k)]
    assert not machine_keys


SECRET = "Bí mật: V/v phương án giải phóng mặt bằng Đại lộ Vinh – Cửa Lò"


@pytest.mark.parametrize("action", sorted(sentences.registered()))
def test_a_hidden_sentence_tells_nothing_of_the_content(action):
    entry = JournalEntry(
        seq=7,
        created_at=dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC),
        actor_repr="lthnhung (Lê Thị Hồng Nhung)",
        on_behalf_of_repr="",
        action=action,
        object_type="incoming.incomingdocument",
        object_id="12",
        object_repr=SECRET,
        details={
            key: SECRET
            for key in (
                "subject",
                "direction",
                "reason",
                "text",
                "file",
                "name",
                "number_symbol",
                "title",
                "comment",
                "opinion",
            )
        },
    )
    text = sentences.describe(entry, visible=False)
    assert SECRET not in text and "Bí mật" not in text
    assert text.endswith("(nội dung không hiển thị)") and "%(" not in text
    assert text[0].isupper()
    shown = sentences.annotate([entry], visible=False)[0]
    assert shown.detail_items == []


def test_an_unknown_action_still_reads_as_vietnamese():
    """An action nobody registered (an entry of another version) is told with the person and its group, never its
    code."""
    entry = JournalEntry(
        seq=3,
        created_at=dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC),
        actor_repr="lthnhung (Lê Thị Hồng Nhung)",
        on_behalf_of_repr="",
        action="incoming.register_twice",
        object_type="",
        object_id="",
        object_repr="Công văn số 15/UBND-KT",
        details={"so_den": 15},
    )
    assert sentences.describe(entry, visible=True) == "Lê Thị Hồng Nhung thực hiện một thao tác (văn bản đến)"
    assert sentences.label(entry) == "Văn bản đến"
    entry.object_type, entry.object_id = "incoming.incomingdocument", "12"
    assert sentences.describe(entry, visible=True) == (
        "Lê Thị Hồng Nhung thực hiện một thao tác (văn bản đến) trên văn bản đến Công văn số 15/UBND-KT"
    )
    assert sentences.describe(entry, visible=False) == (
        "Lê Thị Hồng Nhung thực hiện một thao tác (văn bản đến) trên một văn bản đến (nội dung không hiển thị)"
    )
    entry.actor_repr, entry.action, entry.object_type = "", "document.register", "backups.snapshot"
    assert sentences.describe(entry, visible=True) == (
        "Hệ thống thực hiện một thao tác (chưa phân loại) trên đối tượng Công văn số 15/UBND-KT"
    )
    assert sentences.label(entry) == "Thao tác khác"


def test_every_action_belongs_to_a_group_the_journal_filter_offers():
    """The journal screen filters by Vietnamese group names: every action recorded falls in one of them."""
    actions, _problems = recorded_actions()
    orphans = sorted(a for a in actions | sentences.registered() if not sentences.group_of(a))
    assert not orphans, f"actions of no group (add their first word to sentences.GROUPS): {orphans}"


def test_every_model_has_a_vietnamese_name():
    """The journal names an entry's object by its model's verbose name: none is left to Django's English one."""
    from django.apps import apps

    unnamed = [
        m._meta.label_lower
        for m in apps.get_models()
        if m.__module__.startswith("vpdt.") and "verbose_name" not in m._meta.original_attrs
    ]
    assert not unnamed, f"models without a Vietnamese verbose_name: {unnamed}"


@pytest.mark.django_db
@pytest.mark.parametrize("object_id", ["²", "١٢", "１２", "9" * 30, " 12", "-1", ""])
def test_object_ids_that_are_not_ascii_numbers_do_not_break_a_page(object_id):
    entries = [
        JournalEntry(
            seq=seq,
            created_at=dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC),
            actor_repr="lthnhung (Lê Thị Hồng Nhung)",
            on_behalf_of_repr="",
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr="Công văn số 15/UBND-KT",
            details={"recipient": 3, "number": 15, "year": 2026},
        )
        for seq, (action, object_type) in enumerate(
            [
                ("incoming.register", "incoming.incomingdocument"),
                ("outgoing.delivery.receive", "outgoing.outgoingdocument"),
                ("outgoing.approve", "outgoing.reviewstep"),
            ],
            start=1,
        )
    ]
    told = [e.sentence for e in sentences.annotate(entries, visible=True)]
    assert len(told) == 3 and all(t.startswith("Lê Thị Hồng Nhung") for t in told)


def test_details_values_read_as_text_with_dates_in_vietnam_time():
    assert sentences.when("2026-03-10T16:30:00+00:00") == "10/03/2026 23:30"
    assert sentences.when("2026-03-10 16:30:00.123456+00:00") == "10/03/2026 23:30"
    assert sentences.when("2026-03-10") == "10/03/2026"
    assert sentences.show([{"from": "a"}, "b"]) == "from: a; b"
    assert sentences.show(True) == "có" and sentences.show(None) == ""
    assert sentences.change(["Phòng KHTC", "Phòng Kế hoạch - Tài chính"]) == "Phòng KHTC → Phòng Kế hoạch - Tài chính"
    assert sentences.change({"from": None, "to": "2026-12-01"}) == "— → 01/12/2026"


# --- Real flows ----------------------------------------------------------------------------------------------

DIRECTION = "Giao Phòng KH-TC chủ trì tham mưu văn bản trả lời, báo cáo trước ngày 15/12."


def _told(**filters) -> list[str]:
    return [
        e.sentence for e in sentences.annotate(JournalEntry.objects.filter(**filters).order_by("seq"), visible=True)
    ]


@shared_data.over("org")
def world(org):
    org.stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    org.stttt_leader = make_person(org.stttt, "Nguyễn Hữu Thắng", Role.LEADER)
    org.deputy = make_person(org.sxd, "Nguyễn Văn Hùng", Role.LEADER, title="Phó Giám đốc")
    return org


@freeze_time("2026-11-25 09:00:00+07:00")
def test_incoming_registration_direction_and_completion(world):
    org = world
    doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        issuer_name="Sở Kế hoạch và Đầu tư tỉnh Nghệ An",
        issuer_code="000.00.09.H41",
        code_number="2468",
        code_notation="SKHĐT-KTĐN",
        issued_date=dt.date(2026, 11, 20),
        doc_type=DocumentType.objects.get(name="Công văn"),
        signer_name="Lê Văn Hùng",
        signer_position="Giám đốc",
        subject="V/v đề nghị điều chỉnh vốn đầu tư công dự án Đại lộ Vinh – Cửa Lò",
    ).document
    incoming.submit(org.sxd_clerk, doc, leader=org.sxd_leader)
    incoming.direct(
        org.sxd_leader,
        doc,
        direction=DIRECTION,
        deadline=dt.date(2026, 12, 10),
        targets=[incoming.Target("lead", unit=org.sxd_khtc), incoming.Target("inform", user=org.sxd_admin)],
    )
    lead = doc.assignments.get(unit=org.sxd_khtc, parent__isnull=True)
    child = incoming.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff, opinion="Đ/c Lan tổng hợp số liệu.")
    incoming.add_note(org.sxd_staff, child, "progress", "Đã làm việc với Ban Quản lý dự án.")
    incoming.complete(org.sxd_staff, child, "Đã dự thảo văn bản trả lời.")
    incoming.complete(org.sxd_unit_leader, lead, "Đã ban hành văn bản trả lời.")
    ref = f"văn bản đến số {doc.arrival_number}/2026 (2468/SKHĐT-KTĐN)"
    told = _told(object_type="incoming.incomingdocument", object_id=str(doc.pk))
    for sentence in (
        f"Lê Thị Hồng Nhung vào sổ văn bản 2468/SKHĐT-KTĐN của Sở Kế hoạch và Đầu tư tỉnh Nghệ An, số đến "
        f"{doc.arrival_number}/2026",
        f"Lê Thị Hồng Nhung trình {ref} lên Trần Thị Thu Hà",
        f"Trần Thị Thu Hà cho ý kiến chỉ đạo {ref}: “{DIRECTION}”; giao Xử lý chính: Phòng Kế hoạch - Tài chính; "
        f"Để biết: Đặng Quốc Tuấn, hạn 10/12/2026",
        f"Phạm Văn Dũng giao Hoàng Thị Lan xử lý {ref} (Xử lý chính), hạn 10/12/2026: “Đ/c Lan tổng hợp số liệu.”",
        f"Hoàng Thị Lan ghi tiến độ về {ref}: “Đã làm việc với Ban Quản lý dự án.”",
        f"Hoàng Thị Lan hoàn thành phần việc (Xử lý chính: Hoàng Thị Lan) của {ref}: “Đã dự thảo văn bản trả lời.”",
        f"Phạm Văn Dũng hoàn thành xử lý {ref}: “Đã ban hành văn bản trả lời.”",
    ):
        assert sentence in told, (sentence, told)
    # The trail tells the same sentences, under the same labels.
    trail = queries.trail(doc)
    assert [i["sentence"] for i in trail] == told
    assert [i["label"] for i in trail][:3] == ["Vào sổ văn bản đến", "Trình lãnh đạo", "Cho ý kiến chỉ đạo"]
    assert "Báo cáo tiến độ" in [i["label"] for i in trail]


@freeze_time("2026-11-25 09:00:00+07:00")
def test_outgoing_draft_review_on_behalf_issue_delivery_and_recall(world):
    org = world
    subject = "V/v báo cáo tình hình giải ngân vốn đầu tư công năm 2026"
    doc = out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject=subject,
        text="Kính gửi: Sở Thông tin và Truyền thông",
        signer=org.sxd_leader,
        recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)],
    )
    doc = out.submit(org.sxd_staff, doc)
    doc = out.approve(org.sxd_unit_leader, doc, comment="Đồng ý nội dung.")
    delegation.create(
        org.sxd_leader,
        delegator=org.sxd_leader,
        delegate=org.deputy,
        scope="approval",
        starts_on=dt.date(2026, 11, 25),
        ends_on=dt.date(2026, 11, 30),
        reason="Đi công tác tại Hà Nội",
    )
    doc = out.approve(type(org.deputy).objects.get(pk=org.deputy.pk), doc, comment="Đồng ý ký ban hành.")
    doc = out.issue(org.sxd_clerk, doc)
    registered = internal.receive(org.stttt_clerk, doc.recipients.get(agency=org.stttt), leader=org.stttt_leader)
    out.recall(org.sxd_leader, doc, "Sai số liệu phụ lục.")
    draft = f"dự thảo “{subject}”"
    told = _told(seq__gt=0)
    for sentence in (
        f"Hoàng Thị Lan tạo {draft}",
        f"Hoàng Thị Lan trình duyệt {draft} (lượt 1, phiên bản 1)",
        f"Phạm Văn Dũng đồng ý {draft} ở bước Lãnh đạo đơn vị soạn thảo duyệt nội dung: “Đồng ý nội dung.”",
        f"Dự thảo “{subject}” chuyển đến bước Lãnh đạo cơ quan duyệt ký, chờ Trần Thị Thu Hà duyệt",
        "Trần Thị Thu Hà ghi nhận ủy quyền: Trần Thị Thu Hà ủy quyền cho Nguyễn Văn Hùng duyệt, ký văn bản đi từ "
        "25/11/2026 đến hết 30/11/2026, lý do: Đi công tác tại Hà Nội",
        f"Nguyễn Văn Hùng, thay mặt Trần Thị Thu Hà, đồng ý {draft} ở bước Lãnh đạo cơ quan duyệt ký: “Đồng ý ký ban "
        "hành.”",
        f"Nguyễn Văn Hùng, thay mặt Trần Thị Thu Hà, duyệt ký {draft}",
        "Lê Thị Hồng Nhung cấp số và phát hành văn bản 01/SXD-KHTC, ngày ban hành 25/11/2026",
        "Lê Thị Hồng Nhung gửi văn bản 01/SXD-KHTC đến Sở Thông tin và Truyền thông tỉnh Nghệ An",
        f"Phạm Thị Thanh Hương tiếp nhận văn bản 01/SXD-KHTC của Sở Xây dựng tỉnh Nghệ An, vào sổ văn bản đến của Sở "
        f"Thông tin và Truyền thông tỉnh Nghệ An, số đến {registered.document.arrival_number}/2026",
        "Trần Thị Thu Hà thu hồi văn bản 01/SXD-KHTC, lý do: Sai số liệu phụ lục.",
        "Trần Thị Thu Hà đề nghị Sở Thông tin và Truyền thông tỉnh Nghệ An xác nhận thu hồi văn bản 01/SXD-KHTC, "
        "lý do: Sai số liệu phụ lục.",
    ):
        assert sentence in told, (sentence, told)
    # The document's trail (API) has the same sentences and the labels it always had.
    trail = out_api_trail(doc)
    assert [e["label"] for e in trail][:2] == ["Tạo dự thảo", "Trình duyệt"]
    assert "Tiếp nhận, vào sổ" in [e["label"] for e in trail]
    assert f"Nguyễn Văn Hùng, thay mặt Trần Thị Thu Hà, duyệt ký {draft}" in [e["sentence"] for e in trail]


def out_api_trail(doc):
    from vpdt.outgoing.queries import trail

    return trail(doc)


def test_account_lock_and_failed_login(org):
    accounts.lock(org.sxd_admin, org.sxd_staff, StatusReason.AGENCY_REQUEST, "Theo Công văn số 215/SXD-VP")
    Client(REMOTE_ADDR="10.41.12.34").post(
        "/dang-nhap/", {"username": org.sxd_clerk.username, "password": "Sai-mật-khẩu#1"}
    )
    Client(REMOTE_ADDR="10.41.12.35").post("/dang-nhap/", {"username": "khong.ton.tai", "password": "x"})
    told = _told(action__in=["account.lock", "auth.login_failed"])
    assert told == [
        f"Đặng Quốc Tuấn khóa tài khoản {org.sxd_staff}, lý do: Theo đề nghị của cơ quan quản lý (Theo Công văn số "
        "215/SXD-VP)",
        f"Đăng nhập không thành công vào tài khoản {org.sxd_clerk} từ địa chỉ 10.41.12.34",
        "Đăng nhập không thành công vào tài khoản khong.ton.tai từ địa chỉ 10.41.12.35",
    ]
    entry = JournalEntry.objects.get(action="account.lock")
    assert sentences.annotate([entry], visible=True)[0].detail_items == [
        ("Lý do", "Theo đề nghị của cơ quan quản lý"),
        ("Ghi chú", "Theo Công văn số 215/SXD-VP"),
        ("Trạng thái trước", "Đang hoạt động"),
        ("Trạng thái sau", "Bị khóa"),
    ]


def test_sentences_in_english(org):
    accounts.lock(org.sxd_admin, org.sxd_staff, StatusReason.AGENCY_REQUEST, "")
    with translation.override("en"):
        assert _told(action="account.lock") == [
            f"Đặng Quốc Tuấn locked the account {org.sxd_staff}, reason: Theo đề nghị của cơ quan quản lý"
        ]
        entry = JournalEntry.objects.get(action="account.lock")
        assert sentences.describe(entry, visible=False) == "Đặng Quốc Tuấn locked an account (content not shown)"
        entry.actor_repr = ""
        assert sentences.describe(entry, visible=True).startswith("The system locked the account")


# --- The screen and the API --------------------------------------------------------------------------------


@pytest.fixture
def directed(world):
    org = world
    org.it = make_person(org.sxd, "Trần Quang Vinh", Role.IT_OFFICER, org.sxd_vp)
    with freeze_time("2026-11-25 09:00:00+07:00"):
        org.doc = incoming.register_document(
            org.sxd_clerk,
            agency=org.sxd,
            issuer_name="Sở Tài chính tỉnh Nghệ An",
            issuer_code="000.00.10.H41",
            code_number="715",
            code_notation="STC-QLNS",
            issued_date=dt.date(2026, 11, 24),
            doc_type=DocumentType.objects.get(name="Công văn"),
            signer_name="Nguyễn Văn Phúc",
            signer_position="Giám đốc",
            subject="V/v thẩm định dự toán kinh phí giải phóng mặt bằng",
        ).document
        incoming.submit(org.sxd_clerk, org.doc, leader=org.sxd_leader)
        incoming.direct(
            org.sxd_leader,
            org.doc,
            direction=DIRECTION,
            deadline=dt.date(2026, 12, 10),
            targets=[incoming.Target("lead", unit=org.sxd_khtc)],
        )
    return org


def test_the_screen_tells_sentences_and_hides_content_it_may_not_show(directed, login):
    org, doc = directed, directed.doc
    response = login(org.it).get("/nhat-ky/", {"action": "incoming."})
    html = response.content.decode()
    assert response.status_code == 200
    for sentence in (
        "Lê Thị Hồng Nhung vào sổ một văn bản đến (nội dung không hiển thị)",
        "Trần Thị Thu Hà cho ý kiến chỉ đạo một văn bản đến (nội dung không hiển thị)",
    ):
        assert sentence in html
    for secret in ("STC-QLNS", "Sở Tài chính", "giải phóng mặt bằng", DIRECTION, "10/12/2026"):
        assert secret not in html
    assert "incoming.direct" not in html and f"Cho ý kiến chỉ đạo · văn bản đến #{doc.pk}" in html
    assert policies.HIDDEN_NOTE in html

    # A leader who also looks after IT reads the content, as sentences with their details listed.
    deputy = make_person(org.sxd, "Nguyễn Hữu Phước", Role.LEADER, title="Phó Giám đốc Sở")
    from vpdt.directory import services as directory

    directory.assign_position(
        None,
        deputy,
        agency=org.sxd,
        unit=org.sxd_vp,
        title="Phụ trách công nghệ thông tin",
        role=Role.IT_OFFICER,
        is_primary=False,
    )
    html = login(deputy).get("/nhat-ky/", {"action": "incoming."}).content.decode()
    ref = f"văn bản đến số {doc.arrival_number}/2026 (715/STC-QLNS)"
    assert (
        f"Trần Thị Thu Hà cho ý kiến chỉ đạo {ref}: “{DIRECTION}”; giao Xử lý chính: Phòng Kế hoạch - Tài chính, "
        "hạn 10/12/2026"
    ) in html
    assert '<dt class="d-inline fw-normal text-muted">Hạn xử lý:</dt> <dd class="d-inline mb-0">10/12/2026</dd>' in html
    assert (
        '<dt class="d-inline fw-normal text-muted">Trạng thái trước:</dt> <dd class="d-inline mb-0">Chờ lãnh đạo '
        "cho ý kiến</dd>" in html
    )
    assert "{&#x27;" not in html and '"direction"' not in html  # no JSON


def test_the_api_adds_the_sentence_and_hides_content_it_may_not_show(directed, api):
    org, doc = directed, directed.doc
    rows = [
        r
        for r in api(org.it).get("/api/v1/journal/", {"action": "incoming.", "page_size": 50}).json()["results"]
        if r["object_id"] == str(doc.pk)
    ]
    by_action = {r["action"]: r for r in rows}
    assert by_action["incoming.register"]["sentence"] == (
        "Lê Thị Hồng Nhung vào sổ một văn bản đến (nội dung không hiển thị)"
    )
    assert by_action["incoming.register"]["label"] == "Vào sổ văn bản đến"
    assert all(r["details"] is None and "STC-QLNS" not in r["sentence"] for r in rows)
    one = api(org.it).get(f"/api/v1/journal/{by_action['incoming.submit']['seq']}/").json()
    assert one["sentence"] == "Lê Thị Hồng Nhung trình một văn bản đến lên lãnh đạo (nội dung không hiển thị)"

    sxd_admin_rows = api(org.sxd_admin).get("/api/v1/journal/", {"action": "account.", "page_size": 50}).json()
    assert f"Hệ thống tạo tài khoản {org.it}" in [r["sentence"] for r in sxd_admin_rows["results"]]


def test_the_incoming_page_tells_its_trail_in_sentences(directed, login):
    org, doc = directed, directed.doc
    html = login(org.sxd_leader).get(f"/van-ban-den/{doc.pk}/").content.decode()
    trail = html[html.index('data-testid="trail"') :]
    trail = trail[: trail.index("</ul>")]
    assert (
        f"<strong>Cho ý kiến chỉ đạo</strong>: Trần Thị Thu Hà cho ý kiến chỉ đạo văn bản đến số "
        f"{doc.arrival_number}/2026 (715/STC-QLNS): “{DIRECTION}”"
    ) in trail
    assert trail.index("Vào sổ văn bản đến") < trail.index("Trình lãnh đạo") < trail.index("Cho ý kiến chỉ đạo")


def test_a_page_of_sentences_costs_the_same_queries_however_many_entries(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vpdt.directory import services as directory

    org = world
    directory.assign_position(
        None,
        org.sxd_leader,
        agency=org.sxd,
        unit=org.sxd_vp,
        title="Phụ trách CNTT",
        role=Role.IT_OFFICER,
        is_primary=False,
    )
    client = login(org.sxd_leader)

    def issue_and_deliver(count):
        for i in range(count):
            doc = out.create_draft(
                org.sxd_staff,
                doc_type=DocumentType.objects.get(name="Công văn"),
                subject=f"V/v báo cáo tiến độ dự án đợt {i + 1}",
                text="Kính gửi",
                signer=org.sxd_leader,
                recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)],
            )
            doc = out.approve(org.sxd_leader, out.approve(org.sxd_unit_leader, out.submit(org.sxd_staff, doc)))
            doc = out.issue(org.sxd_clerk, doc)
            internal.receive(org.stttt_clerk, doc.recipients.get(agency=org.stttt), leader=org.stttt_leader)

    issue_and_deliver(1)
    with CaptureQueriesContext(connection) as few:
        client.get("/nhat-ky/")
    issue_and_deliver(3)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/nhat-ky/")
    assert "Lê Thị Hồng Nhung gửi văn bản 04/SXD-KHTC đến Sở Thông tin" in response.content.decode()
    assert len(many) == len(few)


# --- The other places that list journal entries --------------------------------------------------------------


def test_account_and_certificate_histories_are_told_in_sentences(org, login):
    from tests.signing_support import equip
    from vpdt.signing import services as signing

    accounts.lock(org.sxd_admin, org.sxd_staff, StatusReason.AGENCY_REQUEST, "Theo Công văn số 215/SXD-VP")
    client = login(org.sxd_admin)
    html = client.get(f"/can-bo/{org.sxd_staff.pk}/").content.decode()
    assert (
        f'<span title="Khóa tài khoản">Đặng Quốc Tuấn khóa tài khoản {org.sxd_staff}, lý do: Theo đề nghị của cơ '
        "quan quản lý (Theo Công văn số 215/SXD-VP)</span>"
    ) in html
    assert f'<span title="Tạo tài khoản">Hệ thống tạo tài khoản {org.sxd_staff}</span>' in html
    assert "account." not in html

    equip(org)
    signing.deactivate_credential(org.sxd_admin, org.agency_credential, "Thiết bị ký số bị mất")
    html = client.get(f"/ky-so/chung-thu/{org.agency_credential.pk}/").content.decode()
    assert (
        f'<span title="Ngừng dùng chứng thư số">Đặng Quốc Tuấn ngừng dùng chứng thư số '
        f"{org.agency_credential}, lý do: Thiết bị ký số bị mất</span>"
    ) in html
    assert "<code>signing.credential" not in html
