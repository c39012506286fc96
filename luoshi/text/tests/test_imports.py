"""The text core imports no Django, and its heavy libraries load on first use, not at import."""

import subprocess
import sys

MODULES = ("clean", "damage", "dates", "extract", "files", "layout", "ofd", "pdf", "quality")
CORE = ", ".join(f"luoshi.text.{name}" for name in MODULES)
HEAVY = ("pypinyin", "opencc", "datasketch", "cn2an", "bs4", "charset_normalizer", "docx", "pypdf")


def loaded_after(code: str) -> list[str]:
    check = f"{code}; import sys; print(' '.join(m for m in {('django', *HEAVY)!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_importing_the_core_loads_neither_django_nor_a_heavy_library() -> None:
    assert loaded_after(f"import {CORE}") == []


def test_each_heavy_library_loads_when_first_needed() -> None:
    used = loaded_after(
        "from luoshi.text.clean import clean; from luoshi.text.quality import check_report; "
        "clean('中國(guó)的發展?yōu)', simplified=True); check_report('本周完成3项', previous='本周完成2项')"
    )
    assert {"pypinyin", "opencc", "datasketch"} <= set(used) and "django" not in used
