"""The Kazakh and Russian catalogues are complete and their compiled files match them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import qadam

LOCALE = Path(qadam.__file__).parent / "locale"


def entries(po_file: Path) -> list[str]:
    return po_file.read_text(encoding="utf-8").split("\n\n")[1:]


def translations(entry: str) -> list[str]:
    """The msgstr texts of one entry, continuation lines joined."""
    texts: list[str] = []
    for line in entry.splitlines():
        if line.startswith("msgstr"):
            texts.append(line.split(" ", 1)[1].strip('"'))
        elif line.startswith('"') and texts:
            texts[-1] += line.strip('"')
    return texts


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_message_is_translated(lang):
    untranslated = []
    for entry in entries(LOCALE / lang / "LC_MESSAGES" / "django.po"):
        if 'msgctxt "alt. month"' in entry and lang == "ru":
            continue  # Django's Russian catalogue already has the genitive month names
        if entry.startswith("#~"):
            continue
        if not all(translations(entry)):
            untranslated.append(entry)
    assert untranslated == []


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_translation_is_left_fuzzy(lang):
    assert "#, fuzzy" not in (LOCALE / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_committed_mo_file_is_compiled_from_the_po_file(lang, tmp_path):
    folder = LOCALE / lang / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(folder / "django.po")], check=True)
    assert compiled.read_bytes() == (folder / "django.mo").read_bytes(), (
        "run `qadam compilemessages` and commit the .mo"
    )
