"""Profile single requests through the whole middleware stack, and EXPLAIN their queries.

    DATABASE_URL=postgres://... python -m bench.profile /api/v1/gigs/ /api/v1/jobs/ --repeat 30

Runs against an already seeded database (``python -m bench.seed`` or a bench run's
``craftwork_bench``), with DEBUG off. Each path is requested once to warm caches, then
``--repeat`` times under cProfile; the report gives per path the mean wall time, the SQL
queries of one request with their share of the time, the top functions by cumulative and by
own time, and (``--explain``, PostgreSQL) ``EXPLAIN (ANALYZE, BUFFERS)`` of every query.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--token-email", default="", help="send a JWT of this user")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftwork.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("DISABLE_THROTTLING", "1")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    headers = {}
    if args.token_email:
        from rest_framework_simplejwt.tokens import RefreshToken

        from craftwork.accounts.models import User

        user = User.objects.get(email=args.token_email)
        headers["HTTP_AUTHORIZATION"] = f"Bearer {RefreshToken.for_user(user).access_token}"
    client = Client(HTTP_HOST="127.0.0.1")
    for path in args.paths:
        response = client.get(path, **headers)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, **headers)
        captured = list(queries.captured_queries)  # the property reads the live log: copy it now
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(args.repeat):
            client.get(path, **headers)
        profiler.disable()
        elapsed = (time.perf_counter() - started) / args.repeat * 1000
        print(f"\n## {path}\n\nstatus {response.status_code}, {elapsed:.1f} ms per request")
        print(f"(mean of {args.repeat}), {len(captured)} queries:\n")
        for query in captured:
            print(f"- {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}")
        for sort in ("cumulative", "tottime"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.strip_dirs().sort_stats(sort).print_stats(args.top)
            text = out.getvalue()
            start = text.find("   ncalls")
            print(f"\ntop {args.top} by {sort}:\n```\n{text[start:].rstrip()}\n```")
        if args.explain and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for query in captured:
                    sql = query["sql"]
                    if not sql.lstrip().upper().startswith("SELECT"):
                        continue
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    print(f"\n```\n{sql[:200]}\n{plan}\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
