"""Fixtures for driving the real Rampart window: an Xvfb display, tauri-driver (which runs
WebKitWebDriver, which runs the app), and the `rampart` binary for preparing databases.

Every process started here is stopped by its PID when the session ends.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/rampart/target"))
BINARY = Path(os.environ.get("RAMPART_BIN", TARGET / "debug/rampart"))
TAURI_DRIVER = Path(os.environ.get("TAURI_DRIVER", Path.home() / ".cache/rampart/tools/bin/tauri-driver"))
# The project's local AWS test endpoint (tests/aws-endpoint; `make e2e` builds it).
AWS_ENDPOINT_BIN = Path(os.environ.get("AWS_ENDPOINT_BIN", TARGET / "debug/aws-endpoint"))
DEMO_END_DAY = "2026-11-28"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout}s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def aws_endpoint(work: Path, *flags: str):
    """Runs the local AWS test endpoint on a free port with `flags`; yields its URL and stops it
    by its PID afterwards."""
    assert AWS_ENDPOINT_BIN.exists(), f"{AWS_ENDPOINT_BIN} is missing: cargo build -p rampart-aws-endpoint"
    port_file = work / "aws-endpoint.port"
    port_file.unlink(missing_ok=True)
    log = open(work / "aws-endpoint.log", "w")
    proc = subprocess.Popen([str(AWS_ENDPOINT_BIN), "--port", "0", "--port-file", str(port_file), *flags],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None:
                raise RuntimeError(f"aws-endpoint exited with {proc.returncode}: {(work / 'aws-endpoint.log').read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError("aws-endpoint did not write its port within 30s")
            time.sleep(0.1)
        port = int(port_file.read_text().strip())
        wait_for_port(port, proc, "aws-endpoint")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)
        log.close()


def rampart(*args: str) -> str:
    """Runs the CLI and returns stdout; fails the test with stderr on a non-zero exit."""
    done = subprocess.run([str(BINARY), *args], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"rampart {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


@pytest.fixture(scope="session")
def display():
    """A private X display (Xvfb), unless the caller already provides one via E2E_DISPLAY."""
    if os.environ.get("E2E_DISPLAY"):
        yield os.environ["E2E_DISPLAY"]
        return
    assert shutil.which("Xvfb"), "Xvfb is not installed (make deps installs it)"
    for n in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{n}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("Xvfb did not start")
        time.sleep(0.1)
    try:
        yield f":{n}"
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def export_dir(tmp_path_factory):
    """Where the window's Export writes (RAMPART_EXPORT_DIR for the app): no save dialog in tests."""
    return tmp_path_factory.mktemp("exports")


@contextlib.contextmanager
def tauri_driver(display: str, home: Path, export_dir: Path, extra_env: dict | None = None):
    """tauri-driver on a free port, with its own data folders so no real workspace is touched.
    The app it starts inherits its environment, with `extra_env` on top (None removes a
    variable). Yields the driver's URL."""
    assert BINARY.exists(), f"{BINARY} is missing: build it first (make build)"
    assert TAURI_DRIVER.exists(), f"{TAURI_DRIVER} is missing (make deps installs it)"
    env = dict(os.environ, DISPLAY=display, XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"))
    env.pop("RAMPART_DB", None)
    env["RAMPART_EXPORT_DIR"] = str(export_dir)
    env.pop("WAYLAND_DISPLAY", None)
    for key, val in (extra_env or {}).items():
        if val is None:
            env.pop(key, None)
        else:
            env[key] = val
    port, native = free_port(), free_port()
    log = open(home / "tauri-driver.log", "w")
    proc = subprocess.Popen([str(TAURI_DRIVER), "--port", str(port), "--native-port", str(native)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, "tauri-driver")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)
        log.close()


def open_window(url: str, args) -> webdriver.Remote:
    """Opens the real window through the tauri-driver at `url`, the app given `args`."""
    opts = ArgOptions()
    opts.set_capability("browserName", "wry")
    opts.set_capability("tauri:options", {"application": str(BINARY), "args": list(args)})
    # A tauri-driver that has just started listening may still be starting WebKitWebDriver
    # behind it and drop the first new-session request: try again briefly.
    for attempt in range(4):
        connection = RemoteConnection(client_config=ClientConfig(remote_server_addr=url))
        try:
            d = webdriver.Remote(command_executor=connection, options=opts)
            break
        except Exception as e:  # urllib3 ProtocolError / connection reset
            if attempt == 3 or "Connection aborted" not in str(e) and "Connection refused" not in str(e):
                raise
            time.sleep(1.5)
    d.implicitly_wait(0)
    return d


def quit_all(sessions) -> None:
    for d in sessions:
        try:
            d.quit()
        except Exception:  # the window may already be gone
            pass


@pytest.fixture(scope="session")
def driver_server(display, tmp_path_factory, export_dir):
    """tauri-driver on a free port, with its own data folders so no real workspace is touched."""
    home = tmp_path_factory.mktemp("home")
    with tauri_driver(display, home, export_dir) as url:
        yield {"url": url, "data_home": home / "data"}


@pytest.fixture
def open_app(driver_server):
    """Opens the real window with the given command-line arguments; closes it afterwards."""
    sessions = []

    def _open(*args: str) -> webdriver.Remote:
        d = open_window(driver_server["url"], args)
        sessions.append(d)
        return d

    yield _open
    quit_all(sessions)


@pytest.fixture
def open_app_with_env(display, tmp_path_factory, export_dir):
    """Like `open_app`, but the app also gets `env` (an AWS endpoint, test credentials): each
    window has its own tauri-driver and data folders (so its own localStorage), stopped afterwards."""
    with contextlib.ExitStack() as stack:
        sessions = []

        def _open(env: dict, *args: str) -> webdriver.Remote:
            home = tmp_path_factory.mktemp("home-env")
            url = stack.enter_context(tauri_driver(display, home, export_dir, env))
            d = open_window(url, args)
            sessions.append(d)
            return d

        try:
            yield _open
        finally:
            quit_all(sessions)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """A demo workspace built by the CLI, and the Overview the CLI reports for it."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    rampart("--db", str(db), "demo", "--end-day", DEMO_END_DAY)
    overview = json.loads(rampart("--db", str(db), "overview", "--format", "json"))
    return db, overview
