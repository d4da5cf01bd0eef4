"""The results table, the header of machine facts, and the JSON file under bench/results/."""

import json
import os
import platform
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from bench.loadgen import LoadResult


@dataclass(frozen=True)
class Row:
    name: str
    path: str
    queries: int | None
    result: LoadResult | None
    failure: str = ""
    server_cpu_ms: float | None = None  # CPU of the server (all workers) per request
    database_cpu_ms: float | None = None  # CPU of the PostgreSQL backends per request

    @property
    def failed(self) -> bool:
        if self.failure:
            return True
        return self.result is not None and (self.result.errors > 0 or self.result.requests == 0)


def machine_facts() -> dict:
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": _memory_gib(),
        # Other work on the machine skews every number: readers should see how busy it was.
        "load_average_at_start": load_average(),
        "python": platform.python_version(),
        "django": version("Django"),
    }


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def header(facts: dict) -> str:
    machine, run, dataset = facts["machine"], facts["run"], facts["dataset"]
    return "\n".join(
        [
            f"Machine: {machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']} GiB, "
            f"1-min load average {machine['load_average_at_start'][0]:.2f} at start, "
            f"{machine['load_average_at_end'][0]:.2f} at end",
            f"Server:  gunicorn + {run['workers']} uvicorn workers (ASGI, DJANGO_ENV=production), "
            f"{facts['database']['version']}",
            f"Dataset: {dataset['freelancer_profiles']:,} published freelancers, "
            f"{dataset['freelancer_skills']:,} profile skills, {dataset['users']:,} users",
            f"Load:    {run['wrk']}, {run['threads']} threads, {run['duration']} s per endpoint after "
            f"{run['warmup']} s of warm-up, {run['connections']} connections unless the row says otherwise",
        ]
    )


COLUMNS = (
    "endpoint", "conns", "requests/s", "x floor", "p50 ms", "p95 ms", "p99 ms",
    "CPU ms/req", "errors", "queries",
)  # fmt: skip


def table(rows: list[Row]) -> str:
    """A Markdown table, aligned so it reads as well in a terminal as in docs/bench.md."""
    floor = next((row for row in rows if row.name == "floor" and row.result), None)
    floor_rate = floor.result.requests_per_second if floor else None
    cells = [COLUMNS, *(_cells(row, floor_rate) for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]

    def render(line):
        padded = [line[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(["-" * (widths[0] + 2)] + ["-" * (w + 1) + ":" for w in widths[1:]]) + "|"
    return "\n".join([render(cells[0]), rule, *(render(line) for line in cells[1:])])


def cpu_cell(row: Row) -> str:
    """Server CPU + database CPU per request ("4.1+1.2"), or the server's alone."""
    if row.server_cpu_ms is None:
        return "-"
    if row.database_cpu_ms is None:
        return f"{row.server_cpu_ms:.1f}"
    return f"{row.server_cpu_ms:.1f}+{row.database_cpu_ms:.1f}"


def memory_line(memory: dict) -> str:
    def mib(values):
        return ", ".join(f"{value:.0f}" for value in values) or "-"

    return (
        f"Memory:  resident MiB per worker after the first endpoint "
        f"{mib(memory.get('after_warmup_mib', []))}; at the end {mib(memory.get('at_end_mib', []))}"
    )


def _cells(row: Row, floor_rate: float | None = None) -> tuple[str, ...]:
    queries = "-" if row.queries is None else str(row.queries)
    if row.result is None:
        return (row.name, "-", "-", "-", "-", "-", "-", "-", row.failure or "not run", queries)
    result = row.result
    if result.requests == 0:
        return (
            row.name,
            str(result.connections),
            "-",
            "-",
            "-",
            "-",
            "-",
            "-",
            "no response in time",
            queries,
        )
    ratio = "-"
    if floor_rate:
        ratio = f"{result.requests_per_second / floor_rate:.2f}"
    errors = str(result.errors)
    if result.error_detail:
        errors += (
            " (" + ", ".join(f"{kind} {count}" for kind, count in result.error_detail.items()) + ")"
        )
    return (
        row.name,
        str(result.connections),
        f"{result.requests_per_second:,.1f}",
        ratio,
        f"{result.p50_ms:.1f}",
        f"{result.p95_ms:.1f}",
        f"{result.p99_ms:.1f}",
        cpu_cell(row),
        errors,
        queries,
    )


def save(results_dir: Path, started_at: datetime, facts: dict, rows: list[Row]) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{started_at:%Y%m%dT%H%M%SZ}.json"
    document = {
        "started_at": started_at.isoformat(),
        **facts,
        "rows": [
            {
                "endpoint": row.name,
                "path": row.path,
                "queries": row.queries,
                "failure": row.failure or None,
                "server_cpu_ms": row.server_cpu_ms,
                "database_cpu_ms": row.database_cpu_ms,
                **(asdict(row.result) if row.result else {}),
            }
            for row in rows
        ],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path
