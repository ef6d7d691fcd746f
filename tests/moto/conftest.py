"""Fixtures of the moto tests: the moto server (mototools.running) and the built `rampart`
binary."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from mototools import BINARY, running


@pytest.fixture(scope="session")
def moto(tmp_path_factory):
    try:
        with running(tmp_path_factory.mktemp("moto") / "moto_server.log") as m:
            yield m
    except RuntimeError as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def rampart_bin() -> Path:
    if not (BINARY.is_file() and os.access(BINARY, os.X_OK)):
        pytest.fail(f"rampart binary not found at {BINARY}: build it (`cargo build -p rampart`) "
                    "or set RAMPART_BIN")
    probe = subprocess.run([str(BINARY), "sync", "--help"], capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        reason = (f"{BINARY} has no `sync` subcommand (`rampart sync --help` exited "
                  f"{probe.returncode}: {probe.stderr.strip().splitlines()[0] if probe.stderr.strip() else ''})")
        if os.environ.get("RAMPART_ALLOW_NO_SYNC") == "1":
            pytest.skip(reason + "; skipped because RAMPART_ALLOW_NO_SYNC=1")
        pytest.fail(reason + "; set RAMPART_ALLOW_NO_SYNC=1 to skip instead")
    return BINARY
