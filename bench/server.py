"""The production-style server under test: gunicorn with uvicorn workers on 127.0.0.1."""

import os
import secrets
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
STARTUP_TIMEOUT_SECONDS = 60
SHUTDOWN_TIMEOUT_SECONDS = 15
IDLE_TIMEOUT_SECONDS = 120
IDLE_WINDOW_SECONDS = 0.5
IDLE_CPU_FRACTION = 0.05  # of one core


def production_env(*, database_url: str, var_dir: Path) -> dict[str, str]:
    """The environment of the server and of every management step run for it."""
    alphabet = string.ascii_letters + string.digits
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="craftwork.settings",
        DJANGO_ENV="production",
        DEBUG="0",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(64)),
        ALLOWED_HOSTS=f"{HOST},localhost",
        DATABASE_URL=database_url,
        # Files, mail and the filesystem task queue of the run stay under var/bench/.
        CRAFTWORK_VAR_DIR=str(var_dir / "var"),
        SECURE_SSL_REDIRECT="0",
        BENCH_ENDPOINTS="1",
        DISABLE_THROTTLING="1",
        LOG_LEVEL="WARNING",
        # The bench user's token, minted while seeding, must outlive the whole run.
        JWT_ACCESS_MINUTES="240",
    )
    return env


def collectstatic(base_dir: Path, env: dict[str, str]) -> None:
    """Production serves static files from a manifest; templates cannot render without it."""
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(command, cwd=base_dir, env=env, check=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class RunningServer:
    url: str
    session_id: int

    def wait_until_idle(self) -> None:
        """Wait until the server burns (almost) no CPU.

        wrk stops by dropping its connections, but the workers still finish the requests that
        were in flight (sync views cannot be cancelled), so without this the next endpoint
        would be measured while the server is still busy with the previous one.
        """
        deadline = time.monotonic() + IDLE_TIMEOUT_SECONDS
        busy_ticks = IDLE_WINDOW_SECONDS * os.sysconf("SC_CLK_TCK") * IDLE_CPU_FRACTION
        before = _session_cpu_ticks(self.session_id)
        while before is not None and time.monotonic() < deadline:
            time.sleep(IDLE_WINDOW_SECONDS)
            after = _session_cpu_ticks(self.session_id)
            if after is None or after - before <= busy_ticks:
                return
            before = after

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) used so far by the server: master and workers."""
        ticks = _session_cpu_ticks(self.session_id)
        return None if ticks is None else ticks / os.sysconf("SC_CLK_TCK")

    def worker_rss_mib(self) -> list[float]:
        """Resident memory of each worker (every process of the server but the master)."""
        sizes = []
        page = os.sysconf("SC_PAGE_SIZE")
        for pid, fields in _session_processes(self.session_id):
            if pid == self.session_id:
                continue
            sizes.append(round(int(fields[21]) * page / 2**20, 1))
        return sorted(sizes)


def database_cpu_seconds(database_name: str) -> float | None:
    """CPU time of the PostgreSQL backends serving ``database_name`` (their process title
    names the database), when the server runs on this machine; None otherwise."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    total, found = 0, False
    for process in proc.glob("[0-9]*"):
        try:
            title = (process / "cmdline").read_bytes().decode(errors="replace")
            if not title.startswith("postgres: ") or f" {database_name} " not in title:
                continue
            stat = (process / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])
        found = True
    return total / os.sysconf("SC_CLK_TCK") if found else None


def _session_processes(session_id: int):
    """(pid, stat fields after the command name) of every process in the session."""
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = stat_path.read_text()
        except OSError:
            continue  # the process exited meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == session_id:
            yield int(stat_path.parent.name), fields


def _session_cpu_ticks(session_id: int) -> int | None:
    """User + system CPU ticks of every process in the session; None without /proc."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    total = 0
    for stat_path in proc.glob("[0-9]*/stat"):
        try:
            stat = stat_path.read_text()
        except OSError:
            continue  # the process exited meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == session_id:
            total += int(fields[11]) + int(fields[12])
    return total


@contextmanager
def running_server(
    *, base_dir: Path, env: dict[str, str], workers: int, log_path: Path
) -> Iterator[RunningServer]:
    """Start gunicorn, wait for /health/, yield it, and always stop it."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "craftwork.asgi:application",
        "-k", "uvicorn_worker.UvicornWorker", "-w", str(workers), "-b", f"{HOST}:{port}",
        "--log-level", "warning", "--graceful-timeout", "5",
    ]  # fmt: skip
    base_url = f"http://{HOST}:{port}"
    with log_path.open("wb") as log:
        # A session of its own, so stopping it reaches every worker and nothing else.
        process = subprocess.Popen(
            command,
            cwd=base_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_healthy(process, base_url, log_path)
            yield RunningServer(url=base_url, session_id=process.pid)
        finally:
            _stop(process)


def _wait_healthy(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"The server exited with {process.returncode}; see {log_path}:\n{_tail(log_path)}"
            )
        try:
            with urllib.request.urlopen(f"{base_url}/health/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(
        f"The server did not answer /health/ within {STARTUP_TIMEOUT_SECONDS}s; see {log_path}."
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=SHUTDOWN_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
