"""The demo's simulated system of Hà Tĩnh answers what waits for it at the hub (scheduled outside production)."""

from celery import shared_task


@shared_task(name="vpdt.sampledata.tasks.answer_as_demo_partner")
def answer_as_demo_partner() -> int:
    from .demo_exchange import answer_waiting

    return answer_waiting()
