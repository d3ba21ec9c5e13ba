"""The Indonesian catalogue compiles, the committed .mo is the compiled .po (never a stale one), and every
message in the code has a translation."""

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


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext's xgettext is not installed")
def test_every_message_in_the_code_has_an_indonesian_translation(settings, tmp_path, monkeypatch):
    """Extract the messages as `makemessages` does, from a copy of the code (the repository's catalogue is not
    touched), and look each one up in the committed .mo: a message missing from it is shown in English to an
    Indonesian user. Eleven were (the workflow's stale-record and wrong-state messages, a home worklist's title...)."""
    import gettext

    from django.core.management import call_command

    root = LOCALE.parents[2]
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "static", "migrations")
    shutil.copytree(root / "angsur", tmp_path / "angsur", ignore=ignore)
    shutil.copytree(root / "locale", tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["id"], verbosity=0)
    with (tmp_path / "locale" / "id" / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        extracted = [m for m in read_po(po_file) if m.id]
    with (LOCALE / "django.mo").open("rb") as mo_file:
        catalogue = gettext.GNUTranslations(mo_file)._catalog  # the lookups gettext itself makes
    missing = []
    for message in extracted:
        singular = message.id[0] if isinstance(message.id, tuple | list) else message.id
        key = f"{message.context}\x04{singular}" if message.context else singular
        if not any(k in catalogue for k in (key, (key, 0))):
            missing.append(f"{message.id!r} ({message.locations[0][0] if message.locations else '?'})")
    assert len(extracted) > 1000
    assert not missing, f"{len(missing)} messages without a translation: " + "; ".join(missing)
    # A message the merge marks fuzzy (its format flag changed: "% o" read as a directive) would be dropped by the
    # next makemessages + compilemessages: mark such text `# xgettext: no-python-format` in the code.
    fuzzy = [f"{m.id!r} ({m.locations[0][0] if m.locations else '?'})" for m in extracted if m.fuzzy]
    assert not fuzzy, f"{len(fuzzy)} translations the next makemessages would drop as fuzzy: " + "; ".join(fuzzy)
