"""The one route outgoing hands issued and recalled documents to (registered in ``ExchangeConfig.ready()``): every
recipient agency, inside the deployment (:mod:`.internal`) and in other systems (:mod:`.sending`,
:mod:`.recalls`), moves the same delivery machine."""

from __future__ import annotations

from . import internal, recalls, sending


class Route:
    def issued(self, actor, document, recipients, *, passphrase=None) -> None:
        internal.deliver(actor, document, recipients)
        sending.send_issued(actor, document, recipients, passphrase=passphrase)

    def recalled(self, actor, document, reason: str) -> None:
        internal.recall(actor, document, reason)
        recalls.send_recall(actor, document, reason)


ROUTE = Route()
