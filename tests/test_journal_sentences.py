"""The journal read as Vietnamese sentences: every action the code records has one, content hidden from a reader
stays out of it, details read as a labelled list, and the journal screen, the API and the document trails use them.
"""

import ast
import datetime as dt
import importlib
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from freezegun import freeze_time

import vpdt
from tests.conftest import PASSWORD, make_person
from vpdt.accounts import services as accounts
from vpdt.accounts.models import StatusReason
from vpdt.catalog.models import DocumentType
from vpdt.core.fsm import Machine
from vpdt.delegation import services as delegation
from vpdt.directory.models import Role
from vpdt.incoming import services as incoming
from vpdt.journal import policies, sentences
from vpdt.journal import services as journal
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import delivery
from vpdt.outgoing import services as out
from vpdt.outgoing.models import RecipientKind
from vpdt.outgoing.services import RecipientSpec

SRC = Path(vpdt.__file__).parent
# Actions built at run time, as the code spells them, and what they become.
DYNAMIC = {"f'outgoing.{locked.relation}'": {"outgoing.replaces", "outgoing.corrects"},
           "f'{self.action_prefix}.{transition.name}'": set()}  # Machine.apply: the machines are read below
WRITER = SRC / "journal" / "services.py"  # record() and record_many() themselves, whatever they are given
# Registered for entries written by earlier versions (the journal keeps them for ever).
LEGACY = {"outgoing.deliver", "outgoing.delivery_status"}


# --- Every recorded action has a sentence -----------------------------------------------------------------


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or path == WRITER:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _is_record(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "record" and isinstance(func.value, ast.Name) \
        and func.value.id == "journal"


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
    an "action") and entries built directly (``action=`` beside ``object_repr=``), and every transition a
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
            elif isinstance(node, ast.Dict) and "record_many(" in path.read_text(encoding="utf-8"):
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
    assert {"auth.login_failed", "signing.trust_root.deactivate", "signing.credential.expiry", "signing.seal",
            "outgoing.corrects", "outgoing.issue", "journal.reseal", "account.lock", "outgoing.delivery.receive",
            "incoming.direct", "incoming.assignment.withdraw", "outgoing.step.approve", "digitize.retry",
            "signing.session.expire", "dossier.archive"} <= actions
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
            elif isinstance(node.func, ast.Attribute) and node.func.attr == "apply" \
                    and isinstance(node.func.value, ast.Name) and len(node.args) > 1 \
                    and isinstance(node.args[1], ast.Constant):
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
    entry = JournalEntry(seq=7, created_at=dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC),
                         actor_repr="lthnhung (Lê Thị Hồng Nhung)", on_behalf_of_repr="", action=action,
                         object_type="incoming.incomingdocument", object_id="12", object_repr=SECRET,
                         details={key: SECRET for key in ("subject", "direction", "reason", "text", "file", "name",
                                                          "number_symbol", "title", "comment", "opinion")})
    text = sentences.describe(entry, visible=False)
    assert SECRET not in text and "Bí mật" not in text
    assert text.endswith("(nội dung không hiển thị)") and "%(" not in text
    assert text[0].isupper()
    shown = sentences.annotate([entry], visible=False)[0]
    assert shown.detail_items == []


def test_an_unknown_action_still_reads_as_vietnamese():
    entry = JournalEntry(seq=3, created_at=dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC),
                         actor_repr="lthnhung (Lê Thị Hồng Nhung)", on_behalf_of_repr="", action="document.register",
                         object_type="", object_id="", object_repr="Công văn số 15/UBND-KT", details={"so_den": 15})
    assert sentences.describe(entry, visible=True) == "Lê Thị Hồng Nhung thực hiện thao tác “document.register”"
    entry.object_type, entry.object_id = "incoming.incomingdocument", "12"
    assert sentences.describe(entry, visible=True) == (
        "Lê Thị Hồng Nhung thực hiện thao tác “document.register” trên văn bản đến Công văn số 15/UBND-KT")
    assert sentences.describe(entry, visible=False) == (
        "Lê Thị Hồng Nhung thực hiện thao tác “document.register” trên một văn bản đến (nội dung không hiển thị)")
    entry.actor_repr = ""
    assert sentences.describe(entry, visible=True).startswith("Hệ thống thực hiện thao tác")


def test_details_values_read_as_text_with_dates_in_vietnam_time():
    assert sentences.when("2026-03-10T16:30:00+00:00") == "10/03/2026 23:30"
    assert sentences.when("2026-03-10 16:30:00.123456+00:00") == "10/03/2026 23:30"
    assert sentences.when("2026-03-10") == "10/03/2026"
    assert sentences.show([{"from": "a"}, "b"]) == "from: a; b"
    assert sentences.show(True) == "có" and sentences.show(None) == ""
    assert sentences.change(["Phòng KHTC", "Phòng Kế hoạch - Tài chính"]) == "Phòng KHTC → Phòng Kế hoạch - Tài chính"
    assert sentences.change({"from": None, "to": "2026-12-01"}) == "— → 01/12/2026"
