"""The portal files themselves (no browser): what the CSP and the security rules demand of the
source, the headers the apps serve them with, and that the files both portals share are packaged
into both zips exactly once from functions/portal-common/."""

import re
import subprocess
import sys
import zipfile
from pathlib import Path

from harness import REPO, http

COMMON = REPO / "functions" / "portal-common"
APPS = ("selfservice", "helpdesk")


def portal_files():
    files = sorted(COMMON.iterdir())
    for app in APPS:
        files += sorted(path for path in (REPO / "functions" / app / "portal").iterdir() if path.name != "function.json")
    return [path for path in files if path.is_file()]


def test_sources_keep_to_the_policy():
    files = portal_files()
    assert any(path.suffix == ".js" for path in files)
    for path in files:
        if path.suffix not in (".js", ".html", ".css"):
            continue
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(REPO)
        assert not re.search(r"\bconsole\.[a-z]", text), f"{name}: nothing is logged to the console"
        assert "localStorage" not in text, f"{name}: the token lives in sessionStorage or memory only"
        for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert forbidden not in text, f"{name}: {forbidden} (text only, never markup from strings)"
        if path.suffix == ".html":
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"{name}: inline script"
            assert not re.search(r"\sstyle=", text), f"{name}: inline style attribute"
            assert not re.search(r"<style", text), f"{name}: inline style element"
            assert not re.search(r"\son[a-z]+=", text), f"{name}: inline event handler"
            assert not re.search(r"(src|href)=\"(https?:)?//", text), f"{name}: third-party resource"
        if path.suffix == ".js":
            assert "setAttribute(\"style\"" not in text and ".style." not in text, f"{name}: inline style"
            assert not re.search(r"import\s[^;]*from\s+\"(https?:)?//", text), f"{name}: third-party module"


def catalog_keys(text: str, language: str) -> set[str]:
    """The message keys of one language block (`en: {` … `},`) of a message catalog."""
    block = re.search(rf"^  {language}: {{\n(.*?)^  }},", text, re.S | re.M)
    assert block, f"no {language} block"
    return set(re.findall(r'^\s+"([a-zA-Z][\w.]*)":', block.group(1), re.M))


def test_every_message_exists_in_english_and_german():
    catalogs = [COMMON / "i18n.js", REPO / "functions/helpdesk/portal/helpdesk-messages.js", REPO / "functions/selfservice/portal/selfservice.js"]
    for path in catalogs:
        text = path.read_text(encoding="utf-8")
        english, german = catalog_keys(text, "en"), catalog_keys(text, "de")
        assert len(english) > 20, path
        assert english == german, f"{path.name}: only English {sorted(english - german)}, only German {sorted(german - english)}"


def test_no_name_is_both_shared_and_an_apps_own():
    common = {path.name for path in COMMON.iterdir()}
    for app in APPS:
        own = {path.name for path in (REPO / "functions" / app / "portal").iterdir()}
        assert not common & own, f"{app}: {common & own}"


def test_portal_is_served_with_a_strict_policy(stack):
    for base in (stack.selfservice, stack.helpdesk):
        for path in ("/", "/portal.css", "/auth.js", "/icon.svg"):
            status, headers, _ = http("GET", base + path)
            assert status == 200, (base, path, status)
            policy = headers["Content-Security-Policy"]
            directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
            assert directives["default-src"] == "'none'"
            assert directives["script-src"] == "'self'"
            assert directives["style-src"] == "'self'"
            assert directives["connect-src"] == f"'self' {stack.tenant}"
            assert directives["frame-ancestors"] == "'none'"
            assert "unsafe" not in policy
        status, headers, body = http("GET", base + "/")
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert b"portal.css" in body
        status, headers, _ = http("GET", base + "/shell.js")
        assert headers["Content-Type"] == "text/javascript; charset=utf-8"


def test_zip_holds_the_shared_files_in_each_portal_folder(tmp_path):
    functions = tmp_path / "functions" / "helpdesk"
    (functions / "portal").mkdir(parents=True)
    (functions / "portal" / "index.html").write_text("<!doctype html>")
    (functions / "portal" / "function.json").write_text("{}")
    common = tmp_path / "functions" / "portal-common"
    common.mkdir()
    (common / "shared.js").write_text("export const x = 1;")
    (tmp_path / "host.json").write_text("{}")
    binary = tmp_path / "handler-binary"
    binary.write_bytes(Path("/bin/true").read_bytes())
    out = tmp_path / "app.zip"
    command = [sys.executable, str(REPO / "scripts" / "zip_app.py"), "--host-json", str(tmp_path / "host.json"),
               "--functions", str(functions), "--portal-common", str(common), "--binary", str(binary), "--out", str(out)]
    subprocess.run(command, check=True)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert names.count("portal/shared.js") == 1
        assert archive.read("portal/shared.js") == b"export const x = 1;"
        assert "portal/index.html" in names and "host.json" in names and "handler" in names

    # A shared file may not shadow an app's own file.
    (functions / "portal" / "shared.js").write_text("other")
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode != 0
    assert "portal/shared.js exists" in result.stderr
