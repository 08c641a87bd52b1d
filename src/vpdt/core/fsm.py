"""Explicit state machines: named transitions with guards, each applied transition journaled.

A lifecycle (account, document, assignment, draft) declares its transitions once::

    ACCOUNT = Machine("status", [Transition("lock", {ACTIVE}, LOCKED, "Khóa tài khoản"), ...],
                      action_prefix="account")

and services call ``ACCOUNT.apply(obj, "lock", actor=..., details=...)``. There are no status
strings scattered through views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal

# Sent inside the transaction after every applied transition: sender=the model, obj, machine, transition, actor.
# Receivers may write (e.g. the sender's view of a delivered document follows the recipient's processing).
transitioned = Signal()


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    label: str
    guard: Callable | None = None  # guard(obj, **context) -> error message or None

    def __init__(self, name, sources: Iterable, target, label, guard=None):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "guard", guard)


class TransitionNotAllowed(ValidationError):
    pass


@dataclass
class Machine:
    state_field: str
    transitions: list[Transition]
    action_prefix: str
    choices: type | None = None
    _by_name: dict = field(init=False, repr=False)

    def __post_init__(self):
        self._by_name = {t.name: t for t in self.transitions}

    def get(self, name: str) -> Transition:
        return self._by_name[name]

    def allowed(self, obj) -> list[Transition]:
        state = getattr(obj, self.state_field)
        return [t for t in self.transitions if state in t.sources]

    def can(self, obj, name: str, **context) -> bool:
        try:
            self.check(obj, name, **context)
        except TransitionNotAllowed:
            return False
        return True

    def _label(self, state) -> str:
        if self.choices is not None:
            try:
                return str(self.choices(state).label)
            except ValueError:
                pass
        return str(state)

    def check(self, obj, name: str, **context) -> Transition:
        transition = self._by_name[name]
        state = getattr(obj, self.state_field)
        if state not in transition.sources:
            raise TransitionNotAllowed(
                f"Không thể {transition.label.lower()} khi đang ở trạng thái “{self._label(state)}”.",
                code="transition",
            )
        if transition.guard is not None:
            problem = transition.guard(obj, **context)
            if problem:
                raise TransitionNotAllowed(problem, code="guard")
        return transition

    def apply(self, obj, name: str, *, actor=None, details: dict | None = None, extra_fields=(),
              on_behalf_of=None, journal_obj=None, **context):
        """Check, set the new state, save and journal, all in one transaction.

        The journal entry is on ``obj`` unless ``journal_obj`` names another object (e.g. an assignment's
        transitions are journaled on its document, so the document's trail reads from one place). ``details``
        are added to ``from`` and ``to`` (and may override them).
        """
        from vpdt.journal import services as journal

        with transaction.atomic():
            transition = self.check(obj, name, **context)
            source = getattr(obj, self.state_field)
            setattr(obj, self.state_field, transition.target)
            obj.save(update_fields=[self.state_field, *extra_fields])
            journal.record(
                f"{self.action_prefix}.{transition.name}", actor=actor,
                obj=obj if journal_obj is None else journal_obj, on_behalf_of=on_behalf_of,
                details={"from": source, "to": transition.target, **(details or {})},
            )
            transitioned.send(sender=type(obj), obj=obj, machine=self, transition=transition, actor=actor)
        return obj
