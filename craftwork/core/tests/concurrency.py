"""Race helpers for the PostgreSQL concurrency tests of every app."""

import threading

from django.db import connection


def run_in_threads(work: list) -> list:
    """Run each callable in its own thread and database connection, all released together by a
    barrier once connected; return each one's result, or the exception it raised. A thread that
    is still running after two minutes fails the test (a deadlock nobody broke)."""
    barrier = threading.Barrier(len(work))
    results: list = [None] * len(work)

    def target(index):
        try:
            connection.ensure_connection()  # connect first, so the threads race on the work
            barrier.wait(timeout=30)
            results[index] = work[index]()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racing thread never finished"
    return results


def race(*calls) -> list[tuple[str, object]]:
    """``run_in_threads`` with each outcome tagged: ``("ok", value)`` or ``("error", exception)``."""
    return [
        ("error", result) if isinstance(result, Exception) else ("ok", result)
        for result in run_in_threads(list(calls))
    ]
