"""The interface is Chinese by default and complete: every source string has its zh-Hans."""

import ast
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def read_catalog(path):
    with path.open("rb") as f:
        return read_po(f)


def test_committed_catalog_has_no_missing_or_fuzzy_translation():
    catalog = read_catalog(CATALOG)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_every_string_in_the_source_is_in_the_catalog(tmp_path, monkeypatch):
    """Extract the source's strings afresh (GNU gettext, installed by .ci/run) and compare."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed: apt-get install gettext")
    # Extract from a copy of the source so that the committed catalog is never touched.
    source = tmp_path / "src"
    skip = shutil.ignore_patterns(
        ".venv",
        ".git",
        ".data",
        "locale",
        "tests",
        "node_modules",
        "staticfiles",
        "__pycache__",
        "test-artifacts",
    )
    shutil.copytree(ROOT, source, ignore=skip)
    (source / "locale").mkdir()
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[source / "locale"]):
        call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    fresh = read_catalog(source / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert "Reception desk" in {m.id for m in fresh}  # the extraction really ran
    translated = {m.id for m in read_catalog(CATALOG) if m.id and m.string}
    missing = sorted(str(m.id) for m in fresh if m.id and m.id not in translated)
    assert missing == [], "strings without zh-Hans translation; run makemessages and translate"


def test_every_form_field_has_a_translated_label():
    """A form field without `label=` gets Django's English label made from its name, which
    the catalog cannot translate (the meeting page once showed "Date" in Chinese)."""
    root = Path(__file__).resolve().parents[2]
    missing = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "tests", "bench"} or "migrations" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "forms"
                and node.func.attr.endswith("Field")
            ):
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            widget = keywords.get("widget")
            hidden = "HiddenInput" in ast.unparse(widget) if widget is not None else False
            if "label" not in keywords and not hidden:
                missing.append(f"{relative}:{node.lineno}")
    assert missing == []
