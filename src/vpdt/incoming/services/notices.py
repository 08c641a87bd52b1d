"""Names and notifications of incoming work (what the trail, reminders and notices say)."""

from __future__ import annotations

from vpdt.accounts.models import User
from vpdt.directory.models import Role, Unit
from vpdt.notifications import topics
from vpdt.notifications.services import notify

from ..models import Assignment


def display_name(obj) -> str:
    if obj is None:
        return ""
    if isinstance(obj, Unit):
        return obj.name
    return getattr(obj, "full_name", "") or getattr(obj, "username", "") or str(obj)


def assignee_name(assignment: Assignment) -> str:
    return display_name(assignment.unit if assignment.unit_id else assignment.user)


def unit_leaders(unit_id: int):
    return (
        User.objects.filter(
            positions__unit_id=unit_id, positions__role=Role.UNIT_LEADER, positions__is_active=True, is_active=True
        )
        .distinct()
        .order_by("id")
    )


def recipients(assignment: Assignment) -> list:
    """Who is told about an assignment: its person, or the leaders of its unit."""
    if assignment.user_id:
        return [assignment.user] if assignment.user.is_active else []
    return list(unit_leaders(assignment.unit_id))


def notify_assigned(assignment: Assignment) -> None:
    doc = assignment.document
    text = (
        f"{assignment.get_role_display()}: văn bản đến số {doc.arrival_number}/{doc.year}"
        f"{' (' + doc.number_symbol + ')' if doc.number_symbol else ''} – {doc.subject}"
    )
    if assignment.deadline:
        text += f". Hạn xử lý: {assignment.deadline:%d/%m/%Y}"
    notify(recipients(assignment), "incoming.assigned", text=text, topic=topics.WORK, target=doc)
