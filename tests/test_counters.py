"""Gapless counters (the base of số đến / số văn bản): sequential, and rolled back with their transaction."""

import threading

import pytest
from django.db import connection, connections, transaction

from vpdt.core.models import Counter
from vpdt.core.services import next_value, peek_value


@pytest.mark.django_db
def test_counter_starts_at_one_and_counts_per_key():
    assert [next_value("incoming:so-den-chung:2026") for _ in range(3)] == [1, 2, 3]
    assert next_value("incoming:so-den-chung:2027") == 1
    assert peek_value("incoming:so-den-chung:2026") == 3
    assert peek_value("chua-dung") == 0


@pytest.mark.django_db
def test_rolled_back_number_is_given_back():
    next_value("outgoing:sxd:2026")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_value("outgoing:sxd:2026") == 2
        raise RuntimeError("đăng ký thất bại giữa chừng")
    assert next_value("outgoing:sxd:2026") == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_get_distinct_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks between concurrent connections (SQLite serialises writers)")
    results, errors = [], []
    barrier = threading.Barrier(20)

    def worker():
        try:
            barrier.wait()
            for _ in range(5):
                with transaction.atomic():
                    results.append(next_value("incoming:dong-thoi:2026"))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(results) == list(range(1, 101))
    assert Counter.objects.get(key="incoming:dong-thoi:2026").value == 100
