"""The delivery of an issued document to each recipient agency, whatever the route — and who may act on it.

One machine for every route: a recipient agency inside the deployment (its clerk acts here) and a recipient in
another system (its status messages move the same steps, without an actor). The states are the edXML status codes
the sender sees (:class:`vpdt.outgoing.models.DeliveryStatus`): 01–06, 13, 15 and 16.

The ``allow`` rules are the only place that decides who may act: the services check them, and the screens and the
API offer exactly :func:`delivery_actions`.
"""

from __future__ import annotations

from vpdt.core.authz import scope_of
from vpdt.core.fsm import Machine, Transition
from vpdt.directory.models import Role
from vpdt.outgoing.models import DeliveryStatus, Recipient

D = DeliveryStatus
RECEIVED = (D.REGISTERED, D.ASSIGNED, D.PROCESSING, D.COMPLETED)


def _recipient_clerk(recipient, actor) -> str | None:
    scope = scope_of(actor)
    if scope.is_superuser or (scope.has_role(Role.CLERK) and scope.agency_id == recipient.agency_id):
        return None
    return "Chỉ văn thư của cơ quan nhận được tiếp nhận, từ chối hoặc trả lời yêu cầu thu hồi văn bản này."


def _follow(name: str, target: str, label: str) -> Transition:
    """The recipient's processing moves the sender's view (edXML status 03–06), in any order it happens."""
    return Transition(name, set(RECEIVED) - {target}, target, label)


# The journal keys stay "outgoing.delivery.*": the entries are on the sender's document, and old rows read the same.
DELIVERY = Machine(
    "status",
    [
        Transition("deliver", {D.PENDING}, D.ARRIVED, "Gửi đến cơ quan nhận"),
        Transition("receive", {D.ARRIVED}, D.REGISTERED, "Tiếp nhận, vào sổ", allow=_recipient_clerk),
        Transition("refuse", {D.ARRIVED}, D.REFUSED, "Từ chối tiếp nhận", allow=_recipient_clerk),
        _follow("registered", D.REGISTERED, "Nơi nhận đã vào sổ"),
        _follow("assigned", D.ASSIGNED, "Nơi nhận đã phân công xử lý"),
        _follow("processing", D.PROCESSING, "Nơi nhận đang xử lý"),
        _follow("completed", D.COMPLETED, "Nơi nhận đã hoàn thành"),
        Transition("withdraw", {D.ARRIVED}, D.RECALLED, "Thu hồi văn bản chưa được tiếp nhận"),
        Transition("request_recall", RECEIVED, D.RECALL_REQUESTED, "Đề nghị nơi nhận xác nhận thu hồi"),
        Transition("confirm_recall", {D.RECALL_REQUESTED}, D.RECALLED, "Xác nhận thu hồi", allow=_recipient_clerk),
        Transition("refuse_recall", {D.RECALL_REQUESTED}, D.RECALL_REFUSED, "Từ chối thu hồi", allow=_recipient_clerk),
    ],
    action_prefix="outgoing.delivery",
    choices=D,
)
FOLLOW = {D.REGISTERED: "registered", D.ASSIGNED: "assigned", D.PROCESSING: "processing", D.COMPLETED: "completed"}
RECIPIENT_ACTIONS = ("receive", "refuse", "confirm_recall", "refuse_recall")


def delivery_actions(user, recipient: Recipient) -> set[str]:
    """What ``user`` may do with a delivery: receive or refuse it, confirm or refuse its recall (the recipient's
    clerk)."""
    return {name for name in RECIPIENT_ACTIONS if DELIVERY.permits(recipient, name, user)}
