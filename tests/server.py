"""The app under gunicorn for the tests that need a real server: start it on a free port, wait for /healthz, stop it."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_command(port: int, workers: int = 2) -> list[str]:
    cmd = [sys.executable, "-m", "gunicorn", "dashboard.app:server", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--timeout", "120", "--graceful-timeout", "5"]
    from gunicorn.config import KNOWN_SETTINGS
    if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS):
        cmd.append("--no-control-socket")  # no socket in ~/.gunicorn shared with another gunicorn
    return cmd


@dataclass
class Served:
    proc: subprocess.Popen
    base: str
    log_path: Path

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def serve(env: dict, folder: Path, workers: int = 2) -> Served:
    """gunicorn serving dashboard.app:server with `env`, its output in folder/gunicorn.log; ready when /healthz
    answers 200 (the test fails with the log's end if it never does)."""
    port = free_port()
    log_path = folder / "gunicorn.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(gunicorn_command(port, workers), cwd=ROOT, env={"PYTHONUNBUFFERED": "1", **env},
                                stdout=log, stderr=subprocess.STDOUT)
    served = Served(proc, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(served.base + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return served
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"gunicorn did not answer on {served.base}/healthz:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)


def serve_small(tmp_path: Path, **env) -> Served:
    """The small dataset (tests/small_dataset.py) in a SQLite file, served by gunicorn without Redis; `env` added."""
    import os
    from . import small_dataset
    from .conftest import make_engine
    engine, dispose = make_engine("sqlite", tmp_path)
    small_dataset.load(engine)
    dispose()
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'civmon.db'}", **env}
    if "REDIS_URL" not in env:
        environment.pop("REDIS_URL", None)
    return serve(environment, tmp_path)


def get(url: str, timeout: float = 30) -> tuple[int, str]:
    """(status, text) of a GET, whatever the status."""
    import urllib.error
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError as exc:  # nothing listening yet, or no answer in time
        return 0, str(exc)


def page_callback(path: str, search: str) -> dict:
    """The body of the request a browser sends for a page's layout at an address (Dash Pages' callback)."""
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.search"], "state": []}


def kpi_callback(area: str, search: str) -> dict:
    """The body of the request a browser sends to draw a page's headline figures (draw_kpis's callback)."""
    return _drawn_from_store("area", area, "kpi-state", "kpi-row", "children", search)


def chart_callback(chart_id: str, search: str) -> dict:
    """The body of the request a browser sends to draw one chart's figure for an address (draw_chart's callback)."""
    return _drawn_from_store("chart", chart_id, "chart-state", "chart-graph", "figure", search)


def _drawn_from_store(key: str, name: str, store_type: str, output_type: str, prop: str, search: str) -> dict:
    """A MATCH callback's request: the store {key: name, type: store_type} holds the address, the output is
    {key: name, type: output_type}.prop."""
    import json
    store = {key: name, "type": store_type}
    return {"output": json.dumps({key: ["MATCH"], "type": output_type}, separators=(",", ":")) + "." + prop,
            "outputs": {"id": {key: name, "type": output_type}, "property": prop},
            "inputs": [{"id": store, "property": "data", "value": search}],
            "changedPropIds": [json.dumps(store, sort_keys=True, separators=(",", ":")) + ".data"],
            "state": [{"id": store, "property": "id", "value": store}]}
