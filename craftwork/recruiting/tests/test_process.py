from pathlib import Path

import pytest
from django.conf import settings

from craftwork.contracts.docs import render
from craftwork.recruiting.permissions import markdown_table
from craftwork.recruiting.process import APPLICATION_PROCESS, OPENING_PROCESS


def test_docs_show_the_permission_table():
    text = (Path(settings.BASE_DIR) / "docs" / "recruiting.md").read_text(encoding="utf-8")
    inside = text.split("<!-- permissions:start -->\n")[1].split("\n<!-- permissions:end -->")[0]
    assert inside == markdown_table()


def test_processes_md_draws_the_recruiting_tables():
    text = render()
    assert "## `recruiting.opening`" in text and "## `recruiting.application`" in text


@pytest.mark.parametrize(
    ("source", "target", "name"),
    [("applied", "screening", "screen"), ("offer", "hired", "hire"),
     ("interview", "rejected", "reject"), ("applied", "offer", None), ("hired", "rejected", None),
     ("rejected", "applied", None)],
)  # fmt: skip
def test_table(source, target, name):
    found = APPLICATION_PROCESS.transition_to(source, target)
    assert (found.name if found else None) == name


def test_opening_terminal_state():
    assert OPENING_PROCESS.terminal_states == ["closed"]
