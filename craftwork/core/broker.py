"""The embedded task broker: a first-in-first-out queue in one SQLite file.

``make run`` needs a broker without a server. kombu's filesystem transport lists and sorts
the whole queue folder for every message it takes and orders messages by a per-boot
monotonic clock rendered without padding, so under a backlog it slows down and serves new
messages behind old ones. Here every queue is one indexed table read in insertion order;
taking a message is one ``DELETE ... RETURNING`` statement, so the web process and every
worker process can share the file (SQLite 3.35 or newer). Production uses Redis or RabbitMQ instead (``CELERY_BROKER_URL``).

Celery selects it with ``CELERY_BROKER_URL=sqlite://`` and the file in
``CELERY_BROKER_TRANSPORT_OPTIONS["path"]``. Fanout (remote control, events) is not offered.
"""

import sqlite3
import threading
from queue import Empty

from kombu.transport import TRANSPORT_ALIASES, virtual
from kombu.utils.json import dumps, loads

SCHEMA = """
CREATE TABLE IF NOT EXISTS message (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS message_queue_id ON message (queue, id);
"""


class Channel(virtual.Channel):
    supports_fanout = False

    def __init__(self, connection, **kwargs):
        super().__init__(connection, **kwargs)
        self._lock = threading.Lock()
        self._db = _connect(connection.client.transport_options["path"])

    def _new_queue(self, queue, **kwargs):
        """Queues need no declaration: a queue is the rows that carry its name."""

    def _put(self, queue, message, **kwargs):
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO message (queue, payload) VALUES (?, ?)", (queue, dumps(message))
            )

    def _get(self, queue, timeout=None):
        with self._lock:
            # A read first, so polling an empty queue never takes the write lock.
            if self._db.execute(
                "SELECT 1 FROM message WHERE queue = ? LIMIT 1", (queue,)
            ).fetchone():
                row = self._db.execute(
                    "DELETE FROM message WHERE id = (SELECT id FROM message WHERE queue = ? "
                    "ORDER BY id LIMIT 1) RETURNING payload",
                    (queue,),
                ).fetchone()
            else:
                row = None
        if row is None:
            raise Empty()
        return loads(row[0])

    def _size(self, queue):
        with self._lock:
            return self._db.execute(
                "SELECT COUNT(*) FROM message WHERE queue = ?", (queue,)
            ).fetchone()[0]

    def _purge(self, queue):
        with self._lock, self._db:
            return self._db.execute("DELETE FROM message WHERE queue = ?", (queue,)).rowcount

    def _delete(self, queue, *args, **kwargs):
        self._purge(queue)

    def close(self):
        super().close()
        with self._lock:
            self._db.close()


class Transport(virtual.Transport):
    Channel = Channel
    # The transport sleeps this long whenever it has nothing to hand out, including while every
    # worker slot is busy: short, or a backlog drains at (concurrency / interval) tasks a second.
    polling_interval = 0.05
    default_port = 0
    driver_type = driver_name = "sqlite"

    @property
    def default_connection_params(self):
        return {"port": self.default_port}  # a file, not a host: no "localhost" fallback warning

    def driver_version(self):
        return sqlite3.sqlite_version


def _connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    return db


def register() -> None:
    """Make ``sqlite://`` broker URLs resolve to this transport."""
    TRANSPORT_ALIASES.setdefault("sqlite", f"{__name__}:Transport")
