"""Search backends: one module per database engine, the same interface (see :class:`base.Backend`)."""

from django.db import connection

from .base import Backend


def get_backend(using=None) -> Backend:
    conn = connection if using is None else __import__("django.db", fromlist=["connections"]).connections[using]
    if conn.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend(conn)
    from .sqlite import SqliteBackend

    return SqliteBackend(conn)
