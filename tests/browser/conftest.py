"""Browser harness: JupyterLab on 127.0.0.1 driven by Playwright in headless Chromium.

Chromium is found at ``$CHROMIUM``, ``/usr/bin/chromium`` or as Playwright's own browser.
Without one the browser tests skip with a reason, unless ``WIDGETS_REQUIRE_BROWSER`` is set
(CI sets it), in which case they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.browser


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("WIDGETS_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests are mandatory here (WIDGETS_REQUIRE_BROWSER): {reason}")
    pytest.skip(reason)


def find_chromium() -> str | None:
    """Chromium from $CHROMIUM, Debian's package, or Playwright's own download."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
        return path if Path(path).exists() else None
    except Exception:
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"no answer from {url} within {seconds} s")


@pytest.fixture(scope="session")
def served_root() -> Iterator[Path]:
    """A temporary folder the servers serve, holding copies of the notebooks under test."""
    with tempfile.TemporaryDirectory(prefix="widgets-browser-") as folder:
        root = Path(folder)
        shutil.copy(REPO / "workbook.ipynb", root / "workbook.ipynb")
        yield root


def _isolated_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    # A private config and runtime dir: the user's JupyterLab settings and workspaces stay out.
    env["JUPYTER_CONFIG_DIR"] = str(root / ".jupyter-config")
    env["JUPYTER_RUNTIME_DIR"] = str(root / ".jupyter-runtime")
    env["JUPYTERLAB_SETTINGS_DIR"] = str(root / ".jupyter-settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(root / ".jupyter-workspaces")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("MPLBACKEND", None)
    return env


def _write_settings(root: Path) -> None:
    """Silence JupyterLab's news prompt, and turn off notebook windowing."""
    folder = root / ".jupyter-settings" / "@jupyterlab" / "apputils-extension"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    # Render every cell: with windowing, cells far from the viewport have no layout, so their
    # text and screenshots would be empty until scrolled to.
    notebook = root / ".jupyter-settings" / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True, exist_ok=True)
    (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))


@contextmanager
def serving(command: list[str], root: Path, ready_path: str, port: int) -> Iterator[str]:
    """Run a server from ``root`` (isolated settings) until it answers; yield its base URL."""
    _write_settings(root)
    log_path = root / f"server-{port}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=root, env=_isolated_env(root), stdout=log,
                                   stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(f"{url}{ready_path}", process, 90)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def lab_url(served_root: Path) -> Iterator[str]:
    """Start ``jupyter lab`` on 127.0.0.1 on a free port with no token; yield its base URL."""
    port = _free_port()
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--ip=127.0.0.1", f"--port={port}",
        "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={served_root}",
        "--LabApp.news_url=None",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    with serving(command, served_root, "/api/status", port) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through Playwright (skips without Chromium unless mandatory)."""
    executable = find_chromium()
    if executable is None:
        _skip_or_fail("no Chromium found (set $CHROMIUM or apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str, locator=None) -> Path:
    """Save a screenshot under tests/browser/screenshots/ (git-ignored) and return its path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    (locator or page).screenshot(path=str(path))
    return path


def write_notebook(root: Path, name: str, *sources: str) -> str:
    """Write a notebook of code cells into the served folder; return its name."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3", "language": "python"
    }
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, root / name)
    return name
