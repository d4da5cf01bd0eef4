"""The contract processes: fixed-price, hourly, gig orders and mentorship sessions."""

from ..process import register_process
from .fixed import fixed_process, milestone_process
from .gig import gig_process
from .hourly import hourly_process, timesheet_process
from .session import session_process


def register_all() -> None:
    register_process("fixed", fixed_process)
    register_process("milestone", milestone_process)
    register_process("hourly", hourly_process)
    register_process("timesheet", timesheet_process)
    register_process("gig", gig_process)
    register_process("session", session_process)
