"""The Indonesian catalogue compiles, and the committed .mo is the compiled .po (never a stale one)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "id" / "LC_MESSAGES"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_the_catalogue_compiles_without_errors():
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(LOCALE / "django.po")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _frozen(value: object) -> object:
    return value if isinstance(value, str) else tuple(value)  # plural forms come as lists


def test_the_committed_mo_holds_every_translation_of_the_po():
    with (LOCALE / "django.po").open("rb") as po_file:
        po = {_frozen(m.id): _frozen(m.string) for m in read_po(po_file) if m.id and any(m.string) and not m.fuzzy}
    with (LOCALE / "django.mo").open("rb") as mo_file:
        mo = {_frozen(m.id): _frozen(m.string) for m in read_mo(mo_file) if m.id}
    missing = {key for key in po if mo.get(key) != po[key]}
    assert not missing, f"{len(missing)} translations not compiled: run `angsur compilemessages -l id --ignore .venv`"
