"""Kernel-free harness: Agg backend, widgets closed after each test, swallowed callback errors
fail the test, and a timeout on everything (pytest-timeout, see pyproject.toml)."""

from __future__ import annotations

import logging
import os

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets
import pytest


class _CallbackErrors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "Exception in callback" in record.getMessage():
            self.records.append(record)


@pytest.fixture(autouse=True)
def _fail_on_callback_errors():
    """Button.click() and message handlers log exceptions instead of raising them."""
    handler = _CallbackErrors()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if handler.records:
        messages = "\n".join(r.getMessage() for r in handler.records)
        pytest.fail(f"a widget callback raised:\n{messages}")


@pytest.fixture(autouse=True)
def _close_widgets():
    yield
    ipywidgets.Widget.close_all()


def live_widgets() -> int:
    """How many widgets are open in this process."""
    from ipywidgets.widgets.widget import _instances

    return len(_instances)
