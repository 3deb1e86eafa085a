"""The catalogues are complete: every string in the code and templates is translated.

Finnish is the default language and Swedish is the other national language, so a string
that is added without a translation would show up in English to the users. These tests
extract the strings the same way as ``make messages`` (the project's babel.cfg and the
Makefile's keywords) and check the fi, sv and en catalogues against them. No database is
needed.

When a test here fails: run ``make messages``, translate the listed strings in
``translations/{fi,sv,en}/LC_MESSAGES/messages.po`` (English: msgstr = msgid), remove any
``#, fuzzy`` flags and run ``make translations``.
"""

from __future__ import annotations

import functools
import io
import os
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LANGUAGES = ("fi", "sv", "en")
# The Makefile's `pybabel extract -k _l -k lazy_gettext` adds these to Babel's defaults
# (_, gettext, ngettext, …).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


# The language tests need a database; these do not.
@pytest.fixture(autouse=True)
def clean_database():
    yield


@functools.cache
def extracted() -> dict[tuple[str, str | None], str | tuple[str, ...]]:
    """(msgid, context) -> msgid or (msgid, msgid_plural), as ``make messages`` finds them."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    # Walk only the top-level folders the patterns can match (not node_modules, .venv, …).
    roots = {pattern.split("/")[0] for pattern, _method in method_map}

    def directory_filter(dirpath: str) -> bool:
        if Path(dirpath).name.startswith((".", "_")):  # as Babel's own filter
            return False
        return Path(os.path.relpath(dirpath, ROOT)).parts[0] in roots

    found = {}
    for _filename, _lineno, message, _comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=directory_filter):
        key = message[0] if isinstance(message, tuple) else message
        if key:
            found[(key, context)] = tuple(message) if isinstance(message, tuple) else message
    return found


@functools.cache
def catalogue(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def _label(msgid) -> str:
    return " / ".join(msgid) if isinstance(msgid, tuple) else msgid


def test_the_sources_have_strings_to_translate():
    strings = extracted()
    assert len(strings) > 300
    assert ("The email address or password is not correct.", None) in strings   # Python
    assert ("Skip to content", None) in strings                                 # template
    assert ("%(num)d event", None) in strings and isinstance(strings[("%(num)d event", None)], tuple)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_header_is_right(language):
    catalog = catalogue(language)
    assert str(catalog.locale) == language
    assert catalog.mime_headers and dict(catalog.mime_headers)["Language"] == language
    assert dict(catalog.mime_headers)["Plural-Forms"] == PLURAL_FORMS
    assert not catalog.fuzzy, "the header is marked fuzzy"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_sources_is_translated(language):
    catalog = catalogue(language)
    untranslated, wrong_plural = [], []
    for (key, context), msgid in sorted(extracted().items(), key=lambda item: item[0][0]):
        entry = catalog.get(key, context)
        if entry is None or not entry.string or entry.fuzzy:
            untranslated.append(_label(msgid))
        elif isinstance(msgid, tuple):
            forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            if tuple(entry.id) != msgid or len(forms) != catalog.num_plurals or not all(forms):
                wrong_plural.append(_label(msgid))
        elif not isinstance(entry.string, str):
            wrong_plural.append(_label(msgid))
    assert not untranslated, (
        f"{len(untranslated)} string(s) not translated (or fuzzy) in translations/{language}; "
        "run `make messages` and translate them:\n  " + "\n  ".join(untranslated))
    assert not wrong_plural, (
        f"plural forms do not match the source in translations/{language}; run `make messages`:\n  "
        + "\n  ".join(wrong_plural))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_fuzzy(language):
    fuzzy = [_label(m.id) for m in catalogue(language) if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries in translations/{language}:\n  " + "\n  ".join(fuzzy)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    def placeholders(text: str) -> list[str]:
        return sorted(set(PLACEHOLDER.findall(text)))

    problems = []
    for message in catalogue(language):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, text in enumerate(strings):
            if not text:
                continue
            source = ids[min(index, len(ids) - 1)]
            if placeholders(text) != placeholders(source):
                problems.append(f"{source!r}: {placeholders(source)} -> {text!r}: {placeholders(text)}")
    assert not problems, f"placeholders differ in translations/{language}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_compiles(language):
    catalog = catalogue(language)
    errors = [f"{_label(message.id)}: {error}" for message, errs in catalog.check() for error in errs]
    assert not errors, f"translations/{language} does not pass Babel's checks:\n  " + "\n  ".join(errors)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    assert compiled.getvalue()[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")  # a GNU .mo file
