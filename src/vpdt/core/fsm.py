"""Explicit state machines: named transitions with guards, each applied transition journaled.

A lifecycle (account, document, assignment, draft) declares its transitions once::

    ACCOUNT = Machine("status", [Transition("lock", {ACTIVE}, LOCKED, "Khóa tài khoản"), ...],
                      action_prefix="account")

and services call ``ACCOUNT.apply(obj, "lock", actor=..., details=...)``. There are no status
strings scattered through views.

Who may take a step is decided by the transition's ``allow`` rule and nowhere else: services call
``check``/``apply`` with the actor, and screens and the API ask ``available(obj, user)`` (through each app's
``available_actions``) which steps to offer, so a button is shown exactly when the service would accept it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal

# Sent inside the transaction after every applied transition: sender=the model, obj, machine, transition, actor.
# Receivers may write (e.g. the sender's view of a delivered document follows the recipient's processing).
transitioned = Signal()
_journal: list[Callable] = []


def journal_with(record: Callable, record_each: Callable) -> None:
    """Install the journal's ``record(action, *, actor, obj, on_behalf_of, agency, details)`` that every applied
    transition calls inside its transaction, and ``record_each(events, *, actor, on_behalf_of)`` for a transition
    applied to many objects at once (the journal app installs both in its ``AppConfig.ready()``)."""
    _journal[:] = [record, record_each]


@dataclass(frozen=True)
class Transition:
    """A named step of a lifecycle. ``target`` None is an action that keeps the state (e.g. commenting).

    ``allow(obj, actor)`` decides WHO may take it (a message when not: a permission refusal); it is the only place
    that does, and :meth:`Machine.available` asks it to decide which buttons and API actions a user gets.
    ``guard(obj, **context)`` checks the rest (input, preconditions) when the step is actually taken."""

    name: str
    sources: frozenset
    target: str | None
    label: str
    guard: Callable | None = None  # guard(obj, **context) -> error message or None
    allow: Callable | None = None  # allow(obj, actor) -> refusal message or None

    def __init__(self, name, sources: Iterable, target, label, guard=None, allow=None):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "guard", guard)
        object.__setattr__(self, "allow", allow)


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
        except (TransitionNotAllowed, PermissionDenied):
            return False
        return True

    def refusal(self, obj, name: str, actor) -> str | None:
        """Why ``actor`` may not take ``name`` on ``obj`` now (state or who), or None: what buttons ask."""
        transition = self._by_name[name]
        if transition.allow is not None and actor is not None:
            problem = transition.allow(obj, actor)
            if problem:
                return problem
        if getattr(obj, self.state_field) not in transition.sources:
            return self._state_problem(transition, obj)
        return None

    def authorize(self, obj, name: str, actor) -> Transition:
        """Raise PermissionDenied when ``actor`` may not take ``name`` (before any other check of a service)."""
        transition = self._by_name[name]
        if transition.allow is not None and actor is not None:
            problem = transition.allow(obj, actor)
            if problem:
                raise PermissionDenied(problem)
        return transition

    def permits(self, obj, name: str, actor) -> bool:
        return self.refusal(obj, name, actor) is None

    def available(self, obj, actor) -> list[str]:
        """The names of the steps ``actor`` may take on ``obj`` now (input is checked when they take it)."""
        return [t.name for t in self.transitions if self.permits(obj, t.name, actor)]

    def _state_problem(self, transition, obj) -> str:
        state = getattr(obj, self.state_field)
        return f"Không thể {transition.label.lower()} khi đang ở trạng thái “{self._label(state)}”."

    def _label(self, state) -> str:
        if self.choices is not None:
            try:
                return str(self.choices(state).label)
            except ValueError:
                pass
        return str(state)

    def check(self, obj, name: str, *, actor=None, authorized: bool = False, **context) -> Transition:
        """Raise PermissionDenied when ``actor`` may not take the step (system steps pass no actor),
        TransitionNotAllowed when the state or the guard refuses it. ``authorized``: the service already called
        :meth:`authorize` for this actor under the same lock, before changing what the rule reads."""
        transition = self._by_name[name] if authorized else self.authorize(obj, name, actor)
        if getattr(obj, self.state_field) not in transition.sources:
            raise TransitionNotAllowed(self._state_problem(transition, obj), code="transition")
        if transition.guard is not None:
            problem = transition.guard(obj, actor=actor, **context)
            if problem:
                raise TransitionNotAllowed(problem, code="guard")
        return transition

    def apply(
        self,
        obj,
        name: str,
        *,
        actor=None,
        details: dict | None = None,
        extra_fields=(),
        on_behalf_of=None,
        journal_obj=None,
        journal_agency=None,
        authorized: bool = False,
        **context,
    ):
        """Check, set the new state, save and journal, all in one transaction.

        The journal entry is on ``obj`` unless ``journal_obj`` names another object (e.g. an assignment's
        transitions are journaled on its document, so the document's trail reads from one place). ``details``
        are added to ``from`` and ``to`` (and may override them).
        """
        with transaction.atomic():
            transition = self.check(obj, name, actor=actor, authorized=authorized, **context)
            if transition.target is None:
                raise ValueError(f"“{name}” không đổi trạng thái: dùng check(), không dùng apply().")
            source = getattr(obj, self.state_field)
            setattr(obj, self.state_field, transition.target)
            obj.save(update_fields=[self.state_field, *extra_fields])
            _journal[0](
                f"{self.action_prefix}.{transition.name}",
                actor=actor,
                obj=obj if journal_obj is None else journal_obj,
                on_behalf_of=on_behalf_of,
                agency=journal_agency,
                details={"from": source, "to": transition.target, **(details or {})},
            )
            transitioned.send(sender=type(obj), obj=obj, machine=self, transition=transition, actor=actor)
        return obj

    def apply_many(
        self,
        objs: list,
        name: str,
        *,
        actor=None,
        details_of: Callable | None = None,
        values: dict | None = None,
        journal_obj=None,
        journal_agency=None,
    ) -> list:
        """:meth:`apply` to many objects of one model at once, for one actor: each is checked, then one UPDATE sets
        the new state (and ``values``, the same for all), one insert journals them (an entry each, as
        :meth:`apply` writes; ``details_of(obj)`` adds to each entry's details), and the signal is sent for each."""
        if not objs:
            return objs
        with transaction.atomic():
            transition = None
            sources = []
            for obj in objs:
                transition = self.check(obj, name, actor=actor)
                sources.append(getattr(obj, self.state_field))
            if transition.target is None:
                raise ValueError(f"“{name}” không đổi trạng thái: dùng check(), không dùng apply_many().")
            model = type(objs[0])
            model._default_manager.filter(pk__in=[o.pk for o in objs]).update(
                **{self.state_field: transition.target, **(values or {})}
            )
            for obj in objs:
                setattr(obj, self.state_field, transition.target)
                for field_name, value in (values or {}).items():
                    setattr(obj, field_name, value)
            _journal[1](
                [
                    {
                        "action": f"{self.action_prefix}.{transition.name}",
                        "obj": obj if journal_obj is None else journal_obj,
                        "agency": journal_agency,
                        "details": {
                            "from": source,
                            "to": transition.target,
                            **(details_of(obj) if details_of is not None else {}),
                        },
                    }
                    for obj, source in zip(objs, sources)
                ],
                actor=actor,
            )
            for obj in objs:
                transitioned.send(sender=model, obj=obj, machine=self, transition=transition, actor=actor)
        return objs
