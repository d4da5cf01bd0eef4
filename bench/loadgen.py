"""Drive load with wrk: one Lua script per scenario, results read back as one JSON line."""

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.scenarios import Context, Scenario

WRK = "/usr/bin/wrk"
RESULT_MARKER = "BENCH_RESULT "

# wrk's done() hook: latency is in microseconds; summary.errors.status counts responses
# outside 2xx/3xx ("Non-2xx or 3xx responses" in wrk's own report).
DONE_HOOK = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,"connect_errors":%.0f,' ..
    '"read_errors":%.0f,"write_errors":%.0f,"status_errors":%.0f,"timeouts":%.0f,' ..
    '"p50_us":%.0f,"p95_us":%.0f,"p99_us":%.0f,"max_us":%.0f,"mean_us":%.1f}\n',
    "BENCH_RESULT ", summary.requests, summary.duration, summary.bytes, e.connect,
    e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
"""

# Each thread starts at a different place in the list so threads do not hit the same rows in step.
ROTATION = r"""
local next_thread = 0
setup = function(thread)
  thread:set("offset", next_thread * 7919)
  next_thread = next_thread + 1
end
local counter = 0
init = function(args)
  counter = (offset or 0) % #paths
end
request = function()
  counter = counter % #paths + 1
  return format_request(counter)
end
"""

# single_use: thread t of n sends paths first + t, first + t + n, ... (first and n come as
# script arguments), so no path is sent twice; the driver starts each run past the last one.
SINGLE_USE = r"""
local thread_count = 0
setup = function(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end
local counter = 0
local stride = 1
init = function(args)
  stride = tonumber(args[2])
  counter = tonumber(args[1]) + (thread_index or 0)
end
request = function()
  local index = counter % #paths + 1
  counter = counter + stride
  return format_request(index)
end
"""

# Request i of a list: the path alone, or with its own body and headers (``Scenario.bodies``).
FORMAT_REQUEST = r"""
local function format_request(i)
  if bodies then
    return wrk.format(nil, paths[i], body_headers[i], bodies[i])
  end
  return wrk.format(nil, paths[i])
end
"""


@dataclass(frozen=True)
class LoadResult:
    connections: int
    requests: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    error_detail: dict[str, int]


class WrkMissing(RuntimeError):
    pass


def ensure_wrk() -> str:
    """wrk from Debian's package; installed on the spot when running as root."""
    if os.path.exists(WRK):
        return WRK
    if os.geteuid() != 0:
        raise WrkMissing("wrk is not installed. Install it with: sudo apt-get install -y wrk")
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(install, check=True)
    if not os.path.exists(WRK):
        raise WrkMissing("apt-get installed wrk but /usr/bin/wrk is still missing.")
    return WRK


def wrk_version() -> str:
    output = subprocess.run([WRK, "--version"], capture_output=True, text=True, check=False)
    # "wrk debian/4.1.0-3+b2 [epoll] Copyright ..." -> "wrk 4.1.0-3+b2"
    words = (output.stdout or output.stderr).split()
    return "wrk " + words[1].rsplit("/", 1)[-1] if len(words) > 1 else "wrk"


def lua_script(scenario: Scenario, context: Context) -> str:
    paths = scenario.paths(context)
    lines = [f"wrk.method = {_lua_string(scenario.method)}", f"wrk.path = {_lua_string(paths[0])}"]
    body = scenario.json_body(context)
    for name, value in scenario.headers(context, body).items():
        lines.append(f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}")
    if body is not None:
        lines.append(f"wrk.body = {_lua_string(body)}")
    bodies = scenario.request_bodies(context)
    if len(paths) > 1 or scenario.single_use or bodies is not None:
        lines.append("local paths = {" + ", ".join(_lua_string(path) for path in paths) + "}")
        lines += _per_request_lines(scenario, context, paths, bodies)
        lines.append(FORMAT_REQUEST)
        lines.append(SINGLE_USE if scenario.single_use else ROTATION)
    lines.append(DONE_HOOK)
    return "\n".join(lines)


def _per_request_lines(scenario: Scenario, context: Context, paths, bodies) -> list[str]:
    """``bodies`` and ``body_headers`` tables (one per path), or nil for a path-only scenario."""
    if bodies is None:
        return ["local bodies, body_headers = nil, nil"]
    if len(bodies) != len(paths):
        raise ValueError(
            f"Scenario {scenario.name!r}: {len(bodies)} bodies for {len(paths)} paths."
        )
    headers = []
    for raw in bodies:
        pairs = scenario.headers(context, raw).items()
        headers.append(
            "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in pairs) + "}"
        )
    return [
        "local bodies = {" + ", ".join(_lua_string(raw) for raw in bodies) + "}",
        "local body_headers = {" + ", ".join(headers) + "}",
    ]


def run_wrk(
    *,
    base_url: str,
    script_path: Path,
    duration: int,
    connections: int,
    threads: int,
    timeout: int,
    script_args: tuple[str, ...] = (),
) -> LoadResult:
    command = [
        WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout}s",
        "-s", str(script_path), base_url,
    ]  # fmt: skip
    if script_args:
        command += ["--", *script_args]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    marker = [line for line in completed.stdout.splitlines() if line.startswith(RESULT_MARKER)]
    if completed.returncode != 0 or not marker:
        raise RuntimeError(
            f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
        )
    return _result(json.loads(marker[-1][len(RESULT_MARKER) :]), connections)


def _result(raw: dict, connections: int) -> LoadResult:
    detail = {
        "non_2xx_3xx": int(raw["status_errors"]),
        "connect": int(raw["connect_errors"]),
        "read": int(raw["read_errors"]),
        "write": int(raw["write_errors"]),
        "timeout": int(raw["timeouts"]),
    }
    seconds = raw["duration_us"] / 1_000_000
    return LoadResult(
        connections=connections,
        requests=int(raw["requests"]),
        requests_per_second=raw["requests"] / seconds if seconds else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors=sum(detail.values()),
        error_detail={kind: count for kind, count in detail.items() if count},
    )


def _lua_string(value: str) -> str:
    """A Lua string literal; every byte outside printable ASCII becomes a decimal escape."""
    escaped = []
    for byte in value.encode("utf-8"):
        char = chr(byte)
        printable = 32 <= byte < 127 and char not in {'"', "\\"}
        escaped.append(char if printable else f"\\{byte:03d}")
    return '"' + "".join(escaped) + '"'
