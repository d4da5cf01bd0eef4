import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the on-commit work (events, pushes) of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
