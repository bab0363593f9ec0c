"""Starts the real local stack (`ephemgate-dev`) for the infrastructure tests that need it, the way
the browser tests do (Tests/Browser/harness.py): prebuilt binaries from `swift build --product`
(or $EPHEMGATE_BIN_DIR), free ports chosen by the OS, readiness by polling, the whole process
group stopped afterwards, the output kept in test-artifacts/infra/."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "infra"
TENANT_ID = "11111111-1111-1111-1111-111111111111"
PRODUCTS = ("ephemgate-dev", "SelfServiceHandler", "HelpdeskHandler")


def bin_dir() -> Path:
    """The folder with the three executables: $EPHEMGATE_BIN_DIR, else build them with
    `swift build --product` (a no-op when current) and use SwiftPM's debug bin folder."""
    given = os.environ.get("EPHEMGATE_BIN_DIR")
    if given:
        return Path(given)
    for product in PRODUCTS:
        subprocess.run(["swift", "build", "--product", product], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    output = subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, check=True, capture_output=True, text=True)
    return Path(output.stdout.strip())


def free_ports(count: int) -> list[int]:
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


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@dataclass
class Stack:
    name: str
    tenant_port: int
    table_port: int
    selfservice_port: int
    helpdesk_port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def tenant(self) -> str:
        return f"http://127.0.0.1:{self.tenant_port}"

    @property
    def table_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.table_port}/devstoreaccount1"

    @property
    def selfservice(self) -> str:
        return f"http://127.0.0.1:{self.selfservice_port}"

    @property
    def helpdesk(self) -> str:
        return f"http://127.0.0.1:{self.helpdesk_port}"

    def smoke_arguments(self) -> list[str]:
        """scripts/smoke.sh's local-mode flags for this stack."""
        return ["--local", "--tenant", self.tenant, "--table-endpoint", self.table_endpoint,
                "--selfservice", self.selfservice, "--helpdesk", self.helpdesk]

    def ready(self) -> bool:
        try:
            return all(_status(url) == 200 for url in (
                f"{self.tenant}/{TENANT_ID}/v2.0/.well-known/openid-configuration",
                f"{self.selfservice}/api/health",
                f"{self.helpdesk}/api/health",
            ))
        except (OSError, urllib.error.URLError):
            return False

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """SIGTERM to the process group started here, SIGKILL if it hangs; no handler outlives it."""
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
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def start_stack(name: str, binaries: Path, extra: list[str] | None = None, attempts: int = 3, timeout: float = 60) -> Stack:
    """`ephemgate-dev` on free ports with `extra` flags; waits until the dev tenant and both apps
    answer. A port taken between choosing and binding is retried on new ports."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    last_problem = ""
    for _ in range(attempts):
        tenant_port, table_port, selfservice_port, helpdesk_port = free_ports(4)
        arguments = [str(binaries / "ephemgate-dev"),
                     "--tenant-port", str(tenant_port), "--table-port", str(table_port),
                     "--selfservice-port", str(selfservice_port), "--helpdesk-port", str(helpdesk_port),
                     "--handlers-dir", str(binaries), "--root", str(REPO), *(extra or [])]
        log_path = ARTIFACTS / f"stack-{name}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(arguments, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        stack = Stack(name, tenant_port, table_port, selfservice_port, helpdesk_port, process, log_path)
        deadline = time.monotonic() + timeout
        delay = 0.05
        while time.monotonic() < deadline and process.poll() is None:
            if stack.ready():
                return stack
            time.sleep(delay)  # polling interval, not a wait for readiness
            delay = min(delay * 2, 0.5)
        last_problem = stack.log_tail()
        stack.stop()
    raise RuntimeError(f"ephemgate-dev ({name}) did not become ready after {attempts} attempts:\n{last_problem}")
