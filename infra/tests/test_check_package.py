"""check_package.py against synthetic repositories and zips (good and broken)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "check_package.py"

FUNCTIONS = {
    "selfservice": {
        "health/function.json": b'{"bindings": []}',
        "generate-tap/function.json": b'{"bindings": []}',
        "audit-retention/function.json": b'{"bindings": []}',
        "index.html": b"<!doctype html>",
        "assets/app.js": b"console.log(1)",
    },
    "helpdesk": {
        "health/function.json": b'{"bindings": []}',
        "search-user/function.json": b'{"bindings": []}',
        "audit-retention/function.json": b'{"bindings": []}',
        "index.html": b"<!doctype html>",
        "assets/app.js": b"console.log(2)",
    },
}
HOST_JSON = b'{"version": "2.0"}'
COMMON = {"common.js": b"export const x = 1;", "common.css": b"body{}"}


def _write_repo(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "host.json").write_bytes(HOST_JSON)
    for app, files in FUNCTIONS.items():
        for relative, content in files.items():
            path = root / "functions" / app / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    for name, content in COMMON.items():
        path = root / "functions" / "portal-common" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    info.create_system = 3
    info.external_attr = (0o100000 | mode) << 16
    archive.writestr(info, data)


def _write_zip(dist: Path, app: str, *, handler_mode=0o755, skip=(), extra=None, host=HOST_JSON) -> None:
    dist.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dist / f"{app}.zip", "w") as archive:
        if "host.json" not in skip:
            _add(archive, "host.json", host)
        if "handler" not in skip:
            _add(archive, "handler", b"\x7fELF...", handler_mode)
        for relative, content in FUNCTIONS[app].items():
            if relative not in skip:
                _add(archive, relative, content)
        for name, content in COMMON.items():
            if f"portal/{name}" not in skip:
                _add(archive, f"portal/{name}", content)
        for relative, content in (extra or {}).items():
            _add(archive, relative, content)


def _run(dist: Path, repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(dist), str(repo)], capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path):
    return _write_repo(tmp_path / "repo")


def test_good_packages_pass(repo, tmp_path):
    dist = tmp_path / "dist"
    for app in FUNCTIONS:
        _write_zip(dist, app)
    result = _run(dist, repo)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


@pytest.mark.parametrize(
    "broken, expected",
    [
        ({"handler_mode": 0o644}, "mode 0o644"),
        ({"skip": ("handler",)}, "no handler"),
        ({"skip": ("host.json",)}, "no host.json"),
        ({"host": b"{}"}, "host.json differs"),
        ({"skip": ("health/function.json",)}, "function folder health/ (with function.json) missing"),
        ({"extra": {"debug/function.json": b"{}"}}, "unexpected function folder debug/"),
        ({"skip": ("assets/app.js",)}, "assets/app.js missing"),
        ({"skip": ("portal/common.js",)}, "shared portal file portal/common.js missing"),
    ],
)
def test_broken_helpdesk_package_fails(repo, tmp_path, broken, expected):
    dist = tmp_path / "dist"
    _write_zip(dist, "selfservice")
    _write_zip(dist, "helpdesk", **broken)
    result = _run(dist, repo)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "helpdesk.zip" in result.stderr and "selfservice.zip" not in result.stderr


def test_missing_zip_fails(repo, tmp_path):
    dist = tmp_path / "dist"
    _write_zip(dist, "helpdesk")
    result = _run(dist, repo)
    assert result.returncode == 1
    assert "selfservice.zip: missing" in result.stderr


def test_function_of_the_other_app_fails(repo, tmp_path):
    dist = tmp_path / "dist"
    _write_zip(dist, "helpdesk")
    _write_zip(dist, "selfservice", extra={"search-user/function.json": b'{"bindings": []}'})
    result = _run(dist, repo)
    assert result.returncode == 1
    assert "unexpected function folder search-user/" in result.stderr


def test_usage_error():
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 2
