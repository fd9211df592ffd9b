"""The English catalogue: complete, faithful to its placeholders, compiled, up to date, and used.

Vietnamese is the source language (the msgids); src/phoihop/locale/en/LC_MESSAGES/django.po holds the
English. The .po is read with the small parser below, not polib: tests rely only on project dependencies.
"""

import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

PACKAGE_DIR = Path(__file__).resolve().parents[2]
PO_PATH = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# %(name)s, %(size).1f, %s, %d and {name}: the parts a translation must carry over unchanged.
PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|%[sdif]|\{\w*\}")
# HTML tags (ASCII names only, so "<mã>" in an API message is text, not a tag).
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def translations(self) -> list[tuple[str, str]]:
        """(source, translation) pairs: msgstr[0] renders the msgid, every other form the plural."""
        if self.msgid_plural is None:
            return [(self.msgid, self.msgstr)]
        return [
            (self.msgid if n == 0 else self.msgid_plural, text)
            for n, text in sorted(self.msgstr_plural.items())
        ]


def _unquote(token: str) -> str:
    body = token.strip()
    assert body.startswith('"') and body.endswith('"'), token
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body[1:-1])


def parse_po(text: str) -> list[Entry]:
    """Active entries of a .po file (obsolete '#~' entries and the header are left out)."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int | None] | None = None
    started = False

    def finish():
        nonlocal current, started
        if started and current.msgid:
            entries.append(current)
        current, started = Entry(), False

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if started:
                finish()
            current.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            name, index = target
            if name == "msgstr_plural":
                current.msgstr_plural[index] += _unquote(line)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line))
            continue
        keyword, _, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and started and target and target[0].startswith("msgstr"):
            finish()
        started = True
        current.line = current.line or number
        if match := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            index = int(match.group(1))
            current.msgstr_plural[index] = _unquote(value)
            target = ("msgstr_plural", index)
        else:
            assert keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"), f"line {number}: {raw}"
            setattr(current, keyword, _unquote(value))
            target = (keyword, None)
    finish()
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


def test_parser_reads_plain_plural_and_continued_entries():
    entries = parse_po(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\nmsgid "Lưu"\nmsgstr "Save"\n\n'
        '#, fuzzy, python-format\nmsgid "%(n)s lỗi"\nmsgid_plural "%(n)s lỗi"\n'
        'msgstr[0] "%(n)s error"\nmsgstr[1] "%(n)s errors"\n\n'
        'msgid ""\n"Dài "\n"lắm"\nmsgstr ""\n"Very "\n"long"\n\n'
        '#~ msgid "Cũ"\n#~ msgstr "Old"\n'
    )
    assert [(e.msgid, e.msgstr) for e in entries if not e.msgid_plural] == [
        ("Lưu", "Save"),
        ("Dài lắm", "Very long"),
    ]
    plural = entries[1]
    assert plural.msgstr_plural == {0: "%(n)s error", 1: "%(n)s errors"}
    assert "fuzzy" in plural.flags


def test_catalogue_is_large_and_english(catalogue):
    assert len(catalogue) > 500
    by_id = {e.msgid: e for e in catalogue}
    assert by_id["Đăng nhập"].msgstr == "Sign in"
    assert by_id["Lượt xem"].msgstr == "Views"


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e.msgid for e in catalogue if not all(text.strip() for _, text in e.translations())]
    plural_gaps = [
        e.msgid for e in catalogue if e.msgid_plural is not None and sorted(e.msgstr_plural) != [0, 1]
    ]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert untranslated == [], f"{len(untranslated)} msgids without English: {untranslated[:10]}"
    assert plural_gaps == [], f"plural entries need msgstr[0] and msgstr[1]: {plural_gaps[:10]}"
    assert fuzzy == [], f"fuzzy entries (check the translation, then drop the flag): {fuzzy[:10]}"


def test_translations_keep_placeholders_and_html_tags(catalogue):
    problems = []
    for e in catalogue:
        for source, text in e.translations():
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                problems.append(f"placeholders: {source!r} -> {text!r}")
            missing_tags = [t for t in TAG.findall(source) if t not in text]
            if missing_tags:
                problems.append(f"tags {missing_tags}: {source!r} -> {text!r}")
    assert problems == [], "\n".join(problems)


def test_compiled_catalogue_matches_the_po(catalogue):
    # The .mo is committed (a fresh machine may lack gettext); it must be recompiled with each .po change.
    assert MO_PATH.exists(), f"missing {MO_PATH}: run msgfmt --check -o {MO_PATH} {PO_PATH}"
    with MO_PATH.open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = []
    for e in catalogue:
        if e.msgctxt is not None:
            got = [mo.pgettext(e.msgctxt, e.msgid)]
        elif e.msgid_plural is not None:
            got = [mo.ngettext(e.msgid, e.msgid_plural, 1), mo.ngettext(e.msgid, e.msgid_plural, 2)]
        else:
            got = [mo.gettext(e.msgid)]
        if got != [text for _, text in e.translations()]:
            stale.append(e.msgid)
    assert stale == [], f"django.mo is older than django.po ({len(stale)} entries differ, e.g. {stale[:5]})"


def _source_copy(tmp_path: Path) -> Path:
    root = tmp_path / "phoihop"
    shutil.copytree(
        PACKAGE_DIR,
        root,
        ignore=shutil.ignore_patterns("locale", "__pycache__", "static", "*.pyc", "*.mo", "*.po"),
    )
    (root / "locale").mkdir()
    return root


def test_catalogue_has_every_translatable_string_of_the_source(catalogue, tmp_path, settings, monkeypatch):
    for program in ("xgettext", "msguniq", "msgmerge", "msgattrib"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} (GNU gettext) is not installed, so the source cannot be scanned")
    root = _source_copy(tmp_path)
    # makemessages writes into LOCALE_PATHS[0]: point it at the copy so the real catalogue is untouched.
    settings.LOCALE_PATHS = [root / "locale"]
    monkeypatch.chdir(root)
    call_command("makemessages", locale=["en"], ignore_patterns=["*/tests/*"], verbosity=0)
    fresh = parse_po((root / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))

    in_source = {e.key for e in fresh}
    in_catalogue = {e.key for e in catalogue}
    new = sorted(msgid for _, msgid in in_source - in_catalogue)
    gone = sorted(msgid for _, msgid in in_catalogue - in_source)
    how = 'cd src/phoihop && django-admin makemessages -l en --settings=phoihop.settings --ignore "*/tests/*"'
    assert new == [], (
        f"{len(new)} strings are not in the English catalogue ({how}, then translate): {new[:15]}"
    )
    assert gone == [], f"{len(gone)} catalogue entries are no longer in the source ({how}): {gone[:15]}"


def test_sign_in_page_is_english_once_english_is_chosen(client, settings, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert "Sign in to the system" in page
    assert "Username" in page and "Password" in page
    assert 'lang="en"' in page


def test_sign_in_page_stays_vietnamese_by_default(client, db):
    # db: on PostgreSQL every web request sets statement_timeout on its connection first (core/db_timeout.py).
    page = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert "Đăng nhập hệ thống" in page
    assert "Sign in to the system" not in page


def test_staff_pages_follow_the_language_cookie(client, world, settings):
    client.force_login(world.users["admin_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/lam-viec/", follow=True).content.decode()  # the start page may redirect by role
    assert "Overview" in page and "Sign out" in page
    assert "Provincial Labour Federation" in page
    assert "Đăng xuất" not in page


def test_a_wrong_password_is_explained_in_english(client, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(
        "/tai-khoan/dang-nhap/", {"username": "admin_a", "password": "not-the-password"}
    ).content.decode()
    assert "Incorrect username or password." in page


def test_override_switches_lazy_labels():
    from phoihop.accounts.forms import SignInForm

    with translation.override("en"):
        assert str(SignInForm.base_fields["username"].label) == "Username"
    with translation.override("vi"):
        assert str(SignInForm.base_fields["username"].label) == "Tên đăng nhập"


def test_indicator_labels_and_area_titles_have_english(catalogue):
    # The registry's labels are Vietnamese msgids (the JSON report carries them as they are); pages show
    # them through gettext, so each needs its English here.
    from phoihop.indicators.registry import AREAS, REGISTRY

    english = {e.msgid: e.msgstr for e in catalogue if e.msgctxt is None}
    labels = [spec.label for spec in REGISTRY.values()] + list(AREAS.values())
    assert [label for label in labels if not english.get(label, "").strip()] == []
    with translation.override("en"):
        assert REGISTRY["union.members_admitted"].display_label == "New union members"
    with translation.override("vi"):
        assert REGISTRY["union.members_admitted"].display_label == "Số đoàn viên phát triển mới"


def test_workbook_problems_render_through_the_catalogue():
    from phoihop.workbook.problems import Problem

    problem = Problem("Người", 3, "Ngày sinh", "x", "cần một ngày", "expected a date")
    assert problem.render("en") == "Sheet 'Người', row 3, column 'Ngày sinh': value 'x': expected a date"
    assert problem.render("vi") == "Trang 'Người', dòng 3, cột 'Ngày sinh': giá trị 'x': cần một ngày"
