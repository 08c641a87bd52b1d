"""Background work through Celery.

* Production path: Redis as broker and result backend, a real worker consuming the real task.
  Redis is required (``make test`` starts it): if it cannot be reached the test fails, it is not skipped.
* Embedded default: the filesystem broker inside the data folder, which needs no server at all.
"""

import importlib.util
import os
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from celery.signals import task_postrun
from django.utils import timezone
from kombu import Connection

import vpdt.settings
from vpdt.accounts import services as accounts
from vpdt.accounts.models import AccountStatus, StatusReason, User
from vpdt.accounts.tasks import enforce_inactivity
from vpdt.celery import app
from vpdt.directory.models import Role
from vpdt.journal import services as journal
from vpdt.journal.models import JournalEntry, JournalHead

REDIS_URL = os.environ.get("VPDT_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=10)
    try:
        client.ping()
    except redis.RedisError as exc:
        problem = str(exc)
    else:
        return client
    client.close()
    pytest.fail(
        f"Không kết nối được Redis tại {REDIS_URL} ({problem}). Kiểm thử này bắt buộc có Redis: "
        "`make test` khởi động Redis; hoặc đặt VPDT_TEST_REDIS_URL.",
        pytrace=False,
    )


def _close_worker_db_connections(**_):
    # The in-process worker runs tasks in its own thread, with its own database connections.
    # Close them, so nothing holds the test database open (PostgreSQL cannot drop it otherwise).
    from django.db import connections

    connections.close_all()


@pytest.fixture
def redis_celery():
    """The vpdt Celery app pointed at Redis (broker and results), on a queue of its own; reverted afterwards.

    A queue per run keeps this test from picking up (or losing) messages of another suite running at the
    same time on the same Redis database.
    """
    client = _redis_client()
    queue = f"vpdt-test-{uuid.uuid4().hex[:12]}"
    overrides = {
        "broker_url": REDIS_URL,
        "result_backend": REDIS_URL,
        "broker_transport": None,  # the settings' transport and its options are for the filesystem broker
        "broker_transport_options": {},
        "task_always_eager": False,
        "task_default_queue": queue,
        "worker_hijack_root_logger": False,
    }
    changes = app.conf.changes
    saved_conf = {key: changes[key] for key in overrides if key in changes}
    # Objects the app caches from its configuration: set aside so fresh ones follow the overrides.
    saved_amqp = app.__dict__.pop("amqp", None)
    saved_pool, saved_backend_cache = app._pool, app._backend_cache
    saved_local_backend = getattr(app._local, "backend", None)
    app._pool, app._backend_cache = None, None
    app._local.backend = None
    app.conf.update(overrides)
    task_postrun.connect(_close_worker_db_connections, weak=False)
    try:
        yield {"queue": queue, "redis": client}
    finally:
        task_postrun.disconnect(_close_worker_db_connections)
        backend = app._backend_cache or getattr(app._local, "backend", None)
        consumer = getattr(backend, "result_consumer", None)
        if consumer is not None:
            consumer.stop()
        if app._pool is not None:
            app._pool.force_close_all()
        for key in overrides:
            if key in saved_conf:
                changes[key] = saved_conf[key]
            else:
                changes.pop(key, None)
        app.__dict__.pop("amqp", None)
        if saved_amqp is not None:
            app.__dict__["amqp"] = saved_amqp
        app._pool, app._backend_cache = saved_pool, saved_backend_cache
        app._local.backend = saved_local_backend
        # Leave nothing of this run in Redis: the queue, its bindings (kombu's layout varies by version).
        client.delete(queue, *client.scan_iter(f"_kombu.binding*.{queue}"))
        for key in client.scan_iter("_kombu.binding.*"):
            if client.type(key) == b"set":
                for member in client.smembers(key):
                    if member.decode(errors="replace").endswith(queue):
                        client.srem(key, member)
        client.close()


@pytest.mark.django_db(transaction=True)
def test_enforce_inactivity_runs_on_a_redis_worker(org, request):
    # Set up here rather than as an argument, so that a missing Redis is reported as a failure of this test.
    redis_celery = request.getfixturevalue("redis_celery")
    # A transactional test before this one may have flushed the journal chain head away.
    JournalHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": journal.GENESIS})
    now = timezone.now()
    # Issued 31 days ago, never used: locked as unused.
    unused, _ = accounts.create_account(
        None, full_name="Trần Văn Nam", agency=org.sxd, unit=org.sxd_vp, role=Role.STAFF, title="Chuyên viên"
    )
    User.objects.filter(pk=unused.pk).update(
        password_issued_at=now - timedelta(days=31), date_joined=now - timedelta(days=31)
    )
    # Issued 31 days ago, signed in but never changed the one-time password: locked for that reason.
    unchanged, _ = accounts.create_account(
        None, full_name="Lê Văn Hải", agency=org.sxd, unit=org.sxd_khtc, role=Role.STAFF, title="Chuyên viên"
    )
    User.objects.filter(pk=unchanged.pk).update(
        password_issued_at=now - timedelta(days=31),
        date_joined=now - timedelta(days=31),
        last_login=now - timedelta(days=20),
    )
    # Not signed in for 61 days: revoked.
    User.objects.filter(pk=org.stttt_staff.pk).update(
        last_login=now - timedelta(days=61),
        password_issued_at=now - timedelta(days=400),
        date_joined=now - timedelta(days=400),
    )
    # Issued today: left alone.
    fresh, _ = accounts.create_account(
        None, full_name="Đỗ Thị Mai", agency=org.sxd, unit=org.sxd_vp, role=Role.STAFF, title="Chuyên viên"
    )

    assert app.conf.broker_url == REDIS_URL and not app.conf.task_always_eager
    queue, redis = redis_celery["queue"], redis_celery["redis"]

    result = enforce_inactivity.delay()
    assert not isinstance(result, EagerResult)
    # The message waits in Redis until a worker takes it.
    assert redis.llen(queue) == 1

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        counts = result.get(timeout=30)

    assert counts == {"revoked": 1, "locked_unused": 1, "locked_password": 1}
    assert result.successful() and type(result.backend).__name__ == "RedisBackend"
    assert redis.llen(queue) == 0
    result.forget()

    unused.refresh_from_db()
    assert (unused.status, unused.status_reason, unused.is_active) == (AccountStatus.LOCKED, StatusReason.UNUSED, False)
    unchanged.refresh_from_db()
    assert (unchanged.status, unchanged.status_reason) == (AccountStatus.LOCKED, StatusReason.PASSWORD_NOT_CHANGED)
    stale = User.objects.get(pk=org.stttt_staff.pk)
    assert (stale.status, stale.status_reason) == (AccountStatus.REVOKED, StatusReason.INACTIVE)
    fresh.refresh_from_db()
    assert fresh.status == AccountStatus.ACTIVE
    assert User.objects.filter(status=AccountStatus.ACTIVE).count() == User.objects.count() - 3
    # Done by the system (no actor), and recorded in the journal.
    entry = JournalEntry.objects.get(action="account.lock", object_id=str(unused.pk))
    assert entry.actor_id is None


def test_embedded_default_broker_is_the_filesystem(tmp_path, monkeypatch, settings):
    overridden = "CELERY_BROKER_URL" in os.environ
    # The settings as an operator who sets nothing gets them, with the data folder in tmp_path.
    data_dir = (tmp_path / "data").resolve()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    for name in (
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "VPDT_PRODUCTION",
        "VPDT_LOG_DIR",
        "VPDT_STATIC_ROOT",
        "VPDT_MEDIA_ROOT",
        "VPDT_BACKUP_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VPDT_DATA_DIR", str(data_dir))
    monkeypatch.chdir(cwd)
    spec = importlib.util.spec_from_file_location("_vpdt_default_settings", vpdt.settings.__file__)
    defaults = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(defaults)

    assert defaults.CELERY_BROKER_URL == "filesystem://"
    assert defaults.CELERY_RESULT_BACKEND is None
    options = defaults.CELERY_BROKER_TRANSPORT_OPTIONS
    folders = {key: Path(value) for key, value in options.items() if key.endswith("_folder") or "_folder_" in key}
    assert set(folders) >= {"data_folder_in", "data_folder_out", "processed_folder", "control_folder"}
    for key, folder in folders.items():
        assert folder.is_relative_to(data_dir), (key, folder)
        assert folder.is_dir(), (key, folder)

    # A message goes through with nothing but files: no server to start.
    outbox = Path(options["data_folder_out"])
    payload = {"task": "vpdt.accounts.tasks.enforce_inactivity", "ghi_chú": "Kiểm tra hàng đợi nhúng"}
    with Connection(defaults.CELERY_BROKER_URL, transport_options=options) as connection:
        queue = connection.SimpleQueue("vpdt-embedded-check", serializer="json")
        try:
            queue.put(payload)
            assert len(list(outbox.iterdir())) == 1
            message = queue.get(block=True, timeout=10)
            assert message.payload == payload
            message.ack()
        finally:
            queue.close()
    assert list(outbox.iterdir()) == []
    # Everything the broker wrote stayed in the data folder.
    assert list(cwd.iterdir()) == []

    # The running configuration is that default too, unless the environment overrides it.
    if not overridden:
        assert settings.CELERY_BROKER_URL == "filesystem://" and app.conf.broker_url == "filesystem://"
        running_data_dir = Path(settings.DATA_DIR)
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            assert Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]).is_relative_to(running_data_dir), key
