"""Keep the index in step with the documents: every save of a kind's model (and of the models it watches, e.g. an
outgoing document's versions) schedules indexing after commit. ``vpdt reindex-search`` repairs anything missed."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .documents import Source
from .services import remove, schedule

_RECEIVERS = []


def _on_save(kind, attr):
    def receiver(sender, instance, raw=False, **kwargs):
        if raw:
            return
        object_id = getattr(instance, attr)
        if object_id:
            schedule(kind, object_id)

    return receiver


def _on_delete(kind):
    def receiver(sender, instance, **kwargs):
        pk = instance.pk
        transaction.on_commit(lambda: remove(kind, pk))

    return receiver


def watch(source: Source) -> None:
    for model, attr in ((source.model, "pk"), *source.watched):
        receiver = _on_save(source.kind, attr)
        _RECEIVERS.append(receiver)
        post_save.connect(receiver, sender=model, dispatch_uid=f"search-{model.__name__}-{source.kind}-save")
    receiver = _on_delete(source.kind)
    _RECEIVERS.append(receiver)
    post_delete.connect(
        receiver, sender=source.model, dispatch_uid=f"search-{source.model.__name__}-{source.kind}-delete"
    )
