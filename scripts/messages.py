"""Update Luoshi's interface catalogs.

1. Run `luoshi makemessages` for zh_Hans and zh_Hant, which extracts the msgids and merges
   them into both catalogs.
2. Regenerate every zh_Hant translation from its zh_Hans one with OpenCC (s2t), so
   translators only ever edit luoshi/locale/zh_Hans/LC_MESSAGES/django.po.

Running it twice in a row changes nothing: when a catalog differs from what it was only by
makemessages' POT-Creation-Date, the old text is put back.

Usage, from anywhere: python scripts/messages.py
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

try:
    import opencc
    import polib
except ImportError:
    # Run by a Python without the project's dependencies: start again with the virtualenv's.
    if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != VENV_PYTHON.parent.parent.resolve():
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), __file__, *sys.argv[1:]])
    raise

LOCALE_DIR = ROOT / "luoshi" / "locale"
HANS_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
HANT_PO = LOCALE_DIR / "zh_Hant" / "LC_MESSAGES" / "django.po"

MAKEMESSAGES = [
    str(ROOT / ".venv" / "bin" / "luoshi"),
    "makemessages",
    "-l",
    "zh_Hans",
    "-l",
    "zh_Hant",
    "--no-obsolete",
    "--no-location",
    *("-i", ".venv/*"),
    *("-i", "var/*"),
    *("-i", "tests/*"),
    *("-i", "bench/*"),
    *("-i", "scripts/*"),
]

HANT_HEADER = (
    "Traditional Chinese interface catalog for Luoshi (落實).\n"
    "Generated from zh_Hans by scripts/messages.py with OpenCC (s2t): do not edit by hand,\n"
    "edit luoshi/locale/zh_Hans/LC_MESSAGES/django.po and run the script again."
)

# Fixes applied after OpenCC, longest first, as {OpenCC's output: what it should be}.
# s2t picks some character forms that Traditional Chinese readers in Taiwan and
# Hong Kong rarely see (爲, 啓, 衆…); use the common ones. Quotation marks become
# corner brackets, as in Traditional Chinese typesetting.
OVERRIDES: dict[str, str] = {
    "爲": "為",
    "啓": "啟",
    "衆": "眾",
    "僞": "偽",
    "牀": "床",
    "峯": "峰",
    "羣": "群",
    "喫": "吃",
    "祕": "秘",
    "覈": "核",
    "“": "「",
    "”": "」",
    "‘": "『",
    "’": "』",
}

POT_DATE = re.compile(r'^"POT-Creation-Date: .*\\n"\n', re.MULTILINE)

_converter = opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified → Traditional Chinese, with OVERRIDES applied on top of OpenCC."""
    text = _converter.convert(text)
    for wrong in sorted(OVERRIDES, key=len, reverse=True):
        text = text.replace(wrong, OVERRIDES[wrong])
    return text


def fill_hant() -> None:
    """Set every zh_Hant msgstr from its zh_Hans one; entries without a zh_Hans translation stay empty."""
    hans = polib.pofile(str(HANS_PO))
    hant = polib.pofile(str(HANT_PO))
    by_key = {(entry.msgctxt, entry.msgid): entry for entry in hans}

    hant.header = HANT_HEADER
    for key in (
        "Project-Id-Version",
        "Report-Msgid-Bugs-To",
        "PO-Revision-Date",
        "Last-Translator",
        "Content-Type",
        "Plural-Forms",
    ):
        if key in hans.metadata:
            hant.metadata[key] = hans.metadata[key]
    hant.metadata["Language-Team"] = "Chinese (Traditional)"
    hant.metadata["Language"] = "zh_Hant"
    hant.metadata_is_fuzzy = False

    for entry in hant:
        source = by_key.get((entry.msgctxt, entry.msgid))
        if source is None or not source.translated():
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {n: to_traditional(s) for n, s in source.msgstr_plural.items()}
        else:
            entry.msgstr = to_traditional(source.msgstr)
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    hant.save()


def main() -> None:
    before = {path: path.read_text(encoding="utf-8") for path in (HANS_PO, HANT_PO) if path.exists()}

    subprocess.run(MAKEMESSAGES, cwd=ROOT, check=True)
    fill_hant()

    for path, old in before.items():
        new = path.read_text(encoding="utf-8")
        if new != old and POT_DATE.sub("", new) == POT_DATE.sub("", old):
            path.write_text(old, encoding="utf-8")  # only the date moved: keep the file as it was
    for path in (HANS_PO, HANT_PO):
        print(f"{path.relative_to(ROOT)}: {len(polib.pofile(str(path)))} entries")


if __name__ == "__main__":
    main()
