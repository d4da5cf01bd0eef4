"""Running a coroutine from a test, whatever already runs on the test's thread."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run_async(scenario, timeout: float = 30):
    """``asyncio.run(scenario())`` on a thread of its own: a browser test earlier in the same
    worker leaves Playwright's event loop running on this one, where ``asyncio.run`` fails."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, scenario()).result(timeout=timeout)
