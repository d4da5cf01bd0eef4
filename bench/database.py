"""A fresh, migrated database for every run: a SQLite file under var/bench/, or PostgreSQL."""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# On a PostgreSQL server shared by several people, each picks a name of their own.
BENCH_DATABASE_NAME = os.environ.get("BENCH_DATABASE_NAME", "craftwork_bench")
if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", BENCH_DATABASE_NAME):
    raise SystemExit("BENCH_DATABASE_NAME must be a lower-case SQL identifier.")


@dataclass(frozen=True)
class BenchDatabase:
    url: str
    engine: str  # "sqlite" or "postgresql"


def fresh_database(server_url: str | None, var_dir: Path) -> BenchDatabase:
    """Drop and recreate the bench database; ``server_url`` picks PostgreSQL when given."""
    if server_url:
        return _fresh_postgres(server_url)
    return _fresh_sqlite(var_dir)


def _fresh_sqlite(var_dir: Path) -> BenchDatabase:
    path = var_dir / "bench.sqlite3"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    return BenchDatabase(url=f"sqlite:///{path}", engine="sqlite")


def _fresh_postgres(server_url: str) -> BenchDatabase:
    """Always ``craftwork_bench`` (or ``$BENCH_DATABASE_NAME``) on the given server, whatever
    database the URL names, so a mistyped URL never drops a real database."""
    import psycopg

    parts = urlsplit(server_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(
            f"BENCH_DATABASE_URL must be a postgres:// URL, got scheme {parts.scheme!r}."
        )
    maintenance_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    try:
        with psycopg.connect(maintenance_url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE_NAME} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {BENCH_DATABASE_NAME}")
    except psycopg.Error as error:
        raise RuntimeError(
            f"Could not recreate {BENCH_DATABASE_NAME} on {parts.hostname}: {error}"
        ) from error
    bench_url = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE_NAME}"))
    return BenchDatabase(url=bench_url, engine="postgresql")


def migrate(base_dir: Path, env: dict[str, str]) -> None:
    command = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(command, cwd=base_dir, env=env, check=True)
