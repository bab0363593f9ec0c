"""Runs the local stack (`ephemgate-dev`) for the browser tests: free ports chosen by the OS, readiness
by polling, the whole process group stopped afterwards, its output kept as a test artifact.

Used by conftest.py and by readme_screenshots.py.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
TENANT_ID = "11111111-1111-1111-1111-111111111111"

# The built-in demo directory (Sources/DevTenant/Seed+Demo.swift).
HANNAH = "aaaaaaaa-0000-4000-8000-000000000001"  # Helpdesk.TapAdmin
VICTOR = "aaaaaaaa-0000-4000-8000-000000000002"  # Helpdesk.TapViewer
LENA = "aaaaaaaa-0000-4000-8000-000000000003"
SAM = "aaaaaaaa-0000-4000-8000-000000000004"
GRACE = "aaaaaaaa-0000-4000-8000-000000000005"  # Global Administrator: protected

PRODUCTS = ("ephemgate-dev", "SelfServiceHandler", "HelpdeskHandler")


def bin_dir() -> Path:
    """The folder with the three executables: $EPHEMGATE_BIN_DIR, else `swift build` them (a no-op
    when they are current) and use SwiftPM's debug bin folder."""
    given = os.environ.get("EPHEMGATE_BIN_DIR")
    if given:
        return Path(given)
    for product in PRODUCTS:
        subprocess.run(["swift", "build", "--product", product], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    output = subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, check=True, capture_output=True, text=True)
    return Path(output.stdout.strip())


def free_ports(count: int) -> list[int]:
    """Ports the OS hands out for port 0, all held open together so they differ, then released."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 10):
    """(status, headers, body bytes) without raising for 4xx/5xx."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@dataclass
class Stack:
    """One running `ephemgate-dev`."""

    name: str
    tenant_port: int
    table_port: int
    selfservice_port: int
    helpdesk_port: int
    process: subprocess.Popen
    log_path: Path
    settings: dict = field(default_factory=dict)

    @property
    def tenant(self) -> str:
        return f"http://127.0.0.1:{self.tenant_port}"

    @property
    def authority(self) -> str:
        return f"{self.tenant}/{TENANT_ID}"

    @property
    def selfservice(self) -> str:
        return f"http://127.0.0.1:{self.selfservice_port}"

    @property
    def helpdesk(self) -> str:
        return f"http://127.0.0.1:{self.helpdesk_port}"

    @property
    def table_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.table_port}/devstoreaccount1"

    def dev_token(self, claims: dict) -> str:
        status, _, body = http("POST", f"{self.tenant}/dev/token", json.dumps(claims).encode(), {"Content-Type": "application/json"})
        assert status == 200, body
        return json.loads(body)["access_token"]

    def api(self, app: str, method: str, path: str, token: str | None = None, body: dict | None = None):
        base = self.selfservice if app == "selfservice" else self.helpdesk
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        status, response_headers, raw = http(method, base + path, data, headers)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return status, response_headers, parsed

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """SIGTERM to the process group we started (ephemgate-dev drains its handlers), SIGKILL if it hangs."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=5)
        # Handlers the emulator started live in the same group; none may outlive the test.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _ready(stack: Stack) -> bool:
    try:
        checks = [
            http("GET", f"{stack.authority}/v2.0/.well-known/openid-configuration", timeout=2)[0],
            http("GET", f"{stack.selfservice}/api/health", timeout=2)[0],
            http("GET", f"{stack.helpdesk}/api/health", timeout=2)[0],
        ]
    except (OSError, urllib.error.URLError):
        return False
    return all(status == 200 for status in checks)


def start_stack(name: str, binaries: Path, selfservice: dict | None = None, helpdesk: dict | None = None,
                both: dict | None = None, attempts: int = 3, timeout: float = 60) -> Stack:
    """Starts `ephemgate-dev` on free ports with the given app settings and waits until the dev
    tenant and both apps answer. A port taken between choosing and binding is retried on new ports."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    last_problem = ""
    for attempt in range(attempts):
        tenant_port, table_port, selfservice_port, helpdesk_port = free_ports(4)
        arguments = [str(binaries / "ephemgate-dev"),
                     "--tenant-port", str(tenant_port), "--table-port", str(table_port),
                     "--selfservice-port", str(selfservice_port), "--helpdesk-port", str(helpdesk_port),
                     "--handlers-dir", str(binaries), "--root", str(REPO)]
        for flag, values in (("--setting", both), ("--selfservice-setting", selfservice), ("--helpdesk-setting", helpdesk)):
            for key, value in (values or {}).items():
                arguments += [flag, f"{key}={value}"]
        log_path = ARTIFACTS / f"stack-{name}.log"
        log = open(log_path, "wb")
        process = subprocess.Popen(arguments, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        log.close()
        stack = Stack(name, tenant_port, table_port, selfservice_port, helpdesk_port, process, log_path,
                      {"selfservice": selfservice or {}, "helpdesk": helpdesk or {}, "both": both or {}})
        deadline = time.monotonic() + timeout
        delay = 0.05
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            if _ready(stack):
                return stack
            time.sleep(delay)  # polling interval, not a wait for readiness
            delay = min(delay * 2, 0.5)
        last_problem = stack.log_tail()
        stack.stop()
    raise RuntimeError(f"ephemgate-dev ({name}) did not become ready after {attempts} attempts:\n{last_problem}")
