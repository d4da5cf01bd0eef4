"""docs/processes.md is generated from the transition tables and must stay true."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from craftwork.contracts.docs import render
from craftwork.contracts.process import registered_processes

DOC = Path(settings.BASE_DIR) / "docs" / "processes.md"


def test_the_committed_file_is_the_generated_output():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/processes.md is out of date: run `python manage.py render_processes`."
    )


def test_every_transition_is_drawn_and_listed():
    text = render()
    for key, process in registered_processes().items():
        assert f"## `{key}`" in text
        for transition in process.transitions:
            assert f"| `{transition.name}` |" in text
            for source in transition.sources:
                assert f"{source} --> {transition.target}: {transition.name} (" in text


def test_the_command_writes_and_checks(tmp_path):
    output = tmp_path / "processes.md"
    call_command("render_processes", "--output", str(output))
    assert output.read_text(encoding="utf-8") == render()
    call_command("render_processes", "--output", str(output), "--check")
    output.write_text("stale", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("render_processes", "--output", str(output), "--check")
