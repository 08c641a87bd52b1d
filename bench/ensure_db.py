"""Create the benchmark database on the PostgreSQL server named by DATABASE_URL, if missing."""

import os

import dj_database_url
import psycopg

cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
admin = psycopg.connect(
    host=cfg["HOST"],
    port=cfg["PORT"] or 5432,
    user=cfg["USER"],
    password=cfg["PASSWORD"] or None,
    dbname="postgres",
    autocommit=True,
)
exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
if not exists:
    admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    print(f"Đã tạo CSDL {cfg['NAME']}")
admin.close()
