"""Start-up stays light: Django's set-up and the URL map load none of the text core's heavy libraries."""

import os
import subprocess
import sys

HEAVY = ("pypinyin", "opencc", "datasketch", "scipy", "cn2an", "bs4", "charset_normalizer", "docx")


def test_setup_and_urls_load_no_heavy_library(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "luoshi.settings", "LUOSHI_VAR_DIR": str(tmp_path)}
    code = (
        "import django, sys; django.setup(); import luoshi.urls; "
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
