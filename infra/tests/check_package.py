#!/usr/bin/env python3
"""Check the deployable zips written by scripts/package.sh.

Usage: check_package.py DIST_DIR REPO_DIR

For each app (selfservice, helpdesk) DIST_DIR/<app>.zip must hold:
  - host.json at the root (identical to REPO_DIR/host.json when that file exists);
  - `handler` at the root: a regular file with unix mode 0755 (zip external_attr);
  - every function folder of REPO_DIR/functions/<app>/ (a folder holding function.json) with
    its function.json, and no other function folder;
  - every other file under REPO_DIR/functions/<app>/ (the portal files), byte for byte;
  - every file of REPO_DIR/functions/portal-common/ (the files both portals share) in portal/,
    byte for byte.
Exit status 0 when both zips pass, 1 otherwise (each problem on its own line).
"""

from __future__ import annotations

import stat
import sys
import zipfile
from pathlib import Path, PurePosixPath

APPS = ("selfservice", "helpdesk")


def _normalize(name: str) -> str:
    while name.startswith("./"):
        name = name[2:]
    return name


def check_app(zip_path: Path, repo: Path, app: str) -> list[str]:
    problems: list[str] = []
    if not zip_path.is_file():
        return [f"{zip_path}: missing"]
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as error:
        return [f"{zip_path}: not a zip file ({error})"]
    with archive:
        infos = {}
        for info in archive.infolist():
            name = _normalize(info.filename)
            if name.startswith("/") or ".." in PurePosixPath(name).parts:
                problems.append(f"{zip_path.name}: unsafe entry name {info.filename!r}")
            if not info.is_dir():
                infos[name] = info
        files = set(infos)

        # host.json
        if "host.json" not in files:
            problems.append(f"{zip_path.name}: no host.json at the root")
        elif (repo / "host.json").is_file() and archive.read(infos["host.json"]) != (repo / "host.json").read_bytes():
            problems.append(f"{zip_path.name}: host.json differs from {repo / 'host.json'}")

        # handler, executable
        if "handler" not in files:
            problems.append(f"{zip_path.name}: no handler at the root")
        else:
            info = infos["handler"]
            mode = info.external_attr >> 16
            if info.create_system != 3:
                problems.append(f"{zip_path.name}: handler was not stored with unix attributes (create_system={info.create_system})")
            if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
                problems.append(f"{zip_path.name}: handler is not a regular file (mode {oct(mode)})")
            if stat.S_IMODE(mode) != 0o755:
                problems.append(f"{zip_path.name}: handler has mode {oct(stat.S_IMODE(mode))}, expected 0o755")
            if info.file_size == 0:
                problems.append(f"{zip_path.name}: handler is empty")

        # function folders and portal files
        source = repo / "functions" / app
        if not source.is_dir():
            problems.append(f"{source}: missing (cannot compare the function folders and portal files)")
            return problems
        expected_functions = set()
        expected_files = {}
        for path in sorted(source.rglob("*")):
            if path.is_file():
                relative = path.relative_to(source).as_posix()
                expected_files[relative] = path
                if path.name == "function.json":
                    expected_functions.add(PurePosixPath(relative).parent.as_posix())
        if not expected_functions:
            problems.append(f"{source}: no function folder (folder with function.json)")
        packaged_functions = {PurePosixPath(n).parent.as_posix() for n in files if PurePosixPath(n).name == "function.json"}
        for folder in sorted(expected_functions - packaged_functions):
            problems.append(f"{zip_path.name}: function folder {folder}/ (with function.json) missing")
        for folder in sorted(packaged_functions - expected_functions):
            problems.append(f"{zip_path.name}: unexpected function folder {folder}/ (not in functions/{app}/)")
        for relative, path in sorted(expected_files.items()):
            if relative not in files:
                problems.append(f"{zip_path.name}: {relative} missing")
            elif archive.read(infos[relative]) != path.read_bytes():
                problems.append(f"{zip_path.name}: {relative} differs from {path}")
        common = repo / "functions" / "portal-common"
        if common.is_dir():
            for path in sorted(common.iterdir()):
                if not path.is_file() or path.name.startswith("."):
                    continue
                relative = f"portal/{path.name}"
                if relative not in files:
                    problems.append(f"{zip_path.name}: shared portal file {relative} missing")
                elif archive.read(infos[relative]) != path.read_bytes():
                    problems.append(f"{zip_path.name}: {relative} differs from {path}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    dist, repo = Path(argv[1]), Path(argv[2])
    problems = []
    for app in APPS:
        problems += check_app(dist / f"{app}.zip", repo, app)
    for problem in problems:
        print(f"check_package: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_package: {', '.join(f'{a}.zip' for a in APPS)} OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
