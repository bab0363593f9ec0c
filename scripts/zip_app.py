#!/usr/bin/env python3
"""Writes one Function App package: host.json and `handler` at the root, then every file of the
app's functions/<app>/ folder (function folders and portal files) at its relative path, then the
files the two portals share (functions/portal-common/, kept once in git) in `portal/`, next to the
app's own portal files. A shared file may not have the name of one of the app's own portal files.

The handler is stripped (the unstripped binary stays in the build folder, to symbolicate a crash) and
stored with mode 0755: Linux Consumption and Flex mount the package read-only and a zip without
the execute bit cannot start (reference section 1.2). Timestamps are fixed so the same input gives
the same zip.
"""
import argparse
import os
import shutil
import subprocess
import tempfile
import zipfile

FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def add(archive, arcname, data, mode):
    info = zipfile.ZipInfo(arcname, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so external_attr carries the mode
    info.external_attr = (0o100000 | mode) << 16
    archive.writestr(info, data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host-json", required=True)
    parser.add_argument("--functions", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--portal-common", help="folder whose files are added to portal/ (the portals' shared files)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        handler = os.path.join(scratch, "handler")
        shutil.copyfile(args.binary, handler)
        if shutil.which("strip"):
            subprocess.run(["strip", handler], check=True)
        tmp_out = args.out + ".tmp"
        with zipfile.ZipFile(tmp_out, "w") as archive:
            with open(args.host_json, "rb") as f:
                add(archive, "host.json", f.read(), 0o644)
            with open(handler, "rb") as f:
                add(archive, "handler", f.read(), 0o755)
            for root, dirs, files in os.walk(args.functions):
                dirs.sort()
                for name in sorted(files):
                    path = os.path.join(root, name)
                    rel = os.path.relpath(path, args.functions).replace(os.sep, "/")
                    with open(path, "rb") as f:
                        add(archive, rel, f.read(), 0o644)
            if args.portal_common:
                for name in sorted(os.listdir(args.portal_common)):
                    path = os.path.join(args.portal_common, name)
                    if name.startswith(".") or not os.path.isfile(path):
                        continue
                    if os.path.exists(os.path.join(args.functions, "portal", name)):
                        raise SystemExit(f"zip_app: portal/{name} exists in {args.functions} and in {args.portal_common}")
                    with open(path, "rb") as f:
                        add(archive, "portal/" + name, f.read(), 0o644)
        os.replace(tmp_out, args.out)


if __name__ == "__main__":
    main()
