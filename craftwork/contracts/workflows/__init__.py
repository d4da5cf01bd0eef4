"""The processes of fixed-price and hourly contracts (gig and session are registered by commerce)."""

from ..process import register_process
from .fixed import fixed_process, milestone_process
from .hourly import hourly_process, timesheet_process


def register_all() -> None:
    register_process("fixed", fixed_process)
    register_process("milestone", milestone_process)
    register_process("hourly", hourly_process)
    register_process("timesheet", timesheet_process)
