"""The Spanish catalog: complete, in step with the code, and compiled.

A string added to a template or to Python without a Spanish translation fails here, as does a
translation that drops a placeholder or a tag, and a .mo file nobody recompiled.
"""

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
from django.conf import settings

from tests.conftest import require_service

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# The same options as `make messages`.
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "es",
    "--add-location=file",
    "--ignore=.venv",
    "--ignore=tests",
    "--ignore=scripts",
    "--ignore=static",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
TAG = re.compile(r"</?([a-z]+)")


def entries(path: Path = PO) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def translations(entry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_string_has_a_spanish_translation():
    missing = [e.msgid for e in entries() if not all(t.strip() for t in translations(e))]
    assert missing == [], "untranslated: run `make messages` and translate them"
    assert [e.msgid for e in entries() if "fuzzy" in e.flags] == [], "fuzzy guesses to review"
    assert [e.msgid for e in polib.pofile(str(PO)) if e.obsolete] == []


def test_translations_keep_every_placeholder_and_tag():
    broken = []
    for entry in entries():
        source = entry.msgid + (entry.msgid_plural or "")
        for text in translations(entry):
            if entry.msgid_plural:
                # A plural form may drop the count ("una visita"), never add a name.
                if not set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(source)):
                    broken.append(entry.msgid)
            elif Counter(PLACEHOLDER.findall(text)) != Counter(PLACEHOLDER.findall(source)):
                broken.append(entry.msgid)
            if Counter(TAG.findall(text)) != Counter(TAG.findall(entry.msgid)):
                broken.append(entry.msgid)
    assert broken == []


def test_plural_translations_have_the_three_spanish_forms():
    assert [e.msgid for e in entries() if e.msgid_plural and len(e.msgstr_plural) != 3] == []


def test_the_compiled_catalog_matches_the_translations():
    compiled = {(e.msgctxt, e.msgid): translations(e) for e in polib.mofile(str(MO))}
    stale = [e.msgid for e in entries() if compiled.get((e.msgctxt, e.msgid)) != translations(e)]
    assert stale == [], "run `make messages` (it compiles the .mo file too)"


def test_the_catalog_holds_every_string_the_code_marks(tmp_path):
    """makemessages over a copy of the code finds nothing new and nothing gone."""
    if shutil.which("xgettext") is None:
        require_service("gettext", "install Debian's gettext package (see .ci/system-packages)")
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        if (ROOT / name).is_file() and not name.startswith(("tests/", "static/", "docs/")):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "msa_portal.settings.test"},
    )
    found = {(e.msgctxt, e.msgid) for e in entries(tmp_path / PO.relative_to(ROOT))}
    ours = {(e.msgctxt, e.msgid) for e in entries()}
    assert found, "makemessages found nothing: the test would prove nothing"
    assert sorted(found - ours, key=str) == [], "new strings: run `make messages`, translate"
    assert sorted(ours - found, key=str) == [], "strings no longer used: run `make messages`"
