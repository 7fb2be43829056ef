"""A private JupyterLab server and a headless Chromium for the browser tests.

The server listens on 127.0.0.1 only, with a random token, its own HOME, Jupyter
folders, workspace and settings (autosave and news off), and serves a *copy* of the
notebooks, so running them in the browser never touches the committed files.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("L2_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: JupyterLab settings for a quiet, side-effect-free test server.
OVERRIDES = {
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/apputils-extension:notification": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``with LabServer(tmp) as lab:`` starts JupyterLab on a copy of the notebooks."""

    def __init__(self, tmp: Path, folders=("notebooks",)):
        self.tmp, self.folders = Path(tmp), folders
        self.token, self.port = secrets.token_hex(16), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def __enter__(self) -> LabServer:
        root = self.tmp / "root"
        for folder in self.folders:
            shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("output"))
        env = dict(os.environ)
        for name in ("home", "config", "data", "runtime", "workspaces", "settings", "tmp"):
            (self.tmp / name).mkdir()
        env.update(
            HOME=str(self.tmp / "home"),
            JUPYTER_CONFIG_DIR=str(self.tmp / "config"),
            JUPYTER_DATA_DIR=str(self.tmp / "data"),
            JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
            TMPDIR=str(self.tmp / "tmp"),
            PYTHONHASHSEED="0",
        )
        settings = self.tmp / "app-settings"
        settings.mkdir()
        (settings / "overrides.json").write_text(json.dumps(OVERRIDES))
        cmd = [
            sys.executable, "-m", "jupyter", "lab", "--no-browser",
            "--ip=127.0.0.1", f"--port={self.port}",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.workspaces_dir={self.tmp / 'workspaces'}",
            f"--LabApp.user_settings_dir={self.tmp / 'settings'}",
            f"--LabApp.app_settings_dir={settings}",
            # RISE (jupyterlab-rise) is a second front end with settings of its own
            f"--RiseApp.app_settings_dir={settings}",
            f"--RiseApp.user_settings_dir={self.tmp / 'settings'}",
            f"--RiseApp.workspaces_dir={self.tmp / 'workspaces'}",
            "--LabApp.expose_app_in_browser=True",
            "--ServerApp.open_browser=False",
        ]  # fmt: skip
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(self.tmp / "lab.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited; log: {self.tmp / 'lab.log'}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("JupyterLab did not start within 60 s.")

    def lab_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"

    def rise_url(self, path: str) -> str:
        """The notebook presented by jupyterlab-rise (what Alt+R shows beside it)."""
        return f"{self.url}/rise/{path}?token={self.token}"

    def file(self, path: str) -> Path:
        """The server's copy of a file (what the browser saves into)."""
        return self.tmp / "root" / path

    def log_text(self) -> str:
        self.log.flush()
        return (self.tmp / "lab.log").read_text(encoding="utf-8", errors="replace")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
