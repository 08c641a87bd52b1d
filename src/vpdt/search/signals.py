"""Keep the index in step with incoming documents, outgoing documents (and their versions) and dossiers:
every save schedules indexing after commit. ``vpdt reindex-search`` repairs anything missed."""

from django.db.models.signals import post_delete, post_save

from .models import Kind

_connected = False


def _on_save(kind, attr="pk"):
    def receiver(sender, instance, raw=False, **kwargs):
        if raw:
            return
        from .services import schedule

        object_id = getattr(instance, attr)
        if object_id:
            schedule(kind, object_id)

    return receiver


def _on_delete(kind):
    def receiver(sender, instance, **kwargs):
        from django.db import transaction

        from .services import remove

        pk = instance.pk
        transaction.on_commit(lambda: remove(kind, pk))

    return receiver


_RECEIVERS = []


def connect() -> None:
    global _connected
    if _connected:
        return
    from vpdt.dossiers.models import Dossier, DossierItem
    from vpdt.incoming.models import IncomingDocument
    from vpdt.outgoing.models import OutgoingDocument, Recipient, Version

    for model, kind, attr in [
        (IncomingDocument, Kind.INCOMING, "pk"),
        (OutgoingDocument, Kind.OUTGOING, "pk"),
        (Version, Kind.OUTGOING, "document_id"),
        (Recipient, Kind.OUTGOING, "document_id"),
        (OutgoingDocument, Kind.PUBLISHED, "pk"),
        (Recipient, Kind.PUBLISHED, "document_id"),
        (Dossier, Kind.DOSSIER, "pk"),
        (DossierItem, Kind.DOSSIER, "dossier_id"),
    ]:
        receiver = _on_save(kind, attr)
        _RECEIVERS.append(receiver)
        post_save.connect(receiver, sender=model, dispatch_uid=f"search-{model.__name__}-{kind}-save")
    for model, kind in [
        (IncomingDocument, Kind.INCOMING),
        (OutgoingDocument, Kind.OUTGOING),
        (OutgoingDocument, Kind.PUBLISHED),
        (Dossier, Kind.DOSSIER),
    ]:
        receiver = _on_delete(kind)
        _RECEIVERS.append(receiver)
        post_delete.connect(receiver, sender=model, dispatch_uid=f"search-{model.__name__}-{kind}-delete")
    _connected = True
