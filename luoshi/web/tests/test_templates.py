"""Templates decide nothing: no state or light is compared as a string in a page (rules live in Python)."""

import re
from pathlib import Path

from django.conf import settings

# `{% if x == "submitted" %}`, `{% elif light != 'red' %}`…; the active menu item (url_name) and Django's
# message tags are names of the page itself, not of data.
COMPARISON = re.compile(r"""\{%\s*(?:if|elif)\b[^%]*?[!=]=\s*["'][^"']*["']""")
ALLOWED = re.compile(r"""(?:url_name|app_name|message\.tags)\s*[!=]=\s*["'][^"']*["']""")


def test_no_template_compares_a_state_string():
    offenders = []
    for path in Path(settings.BASE_DIR).rglob("*.html"):
        if "vendor" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if COMPARISON.search(ALLOWED.sub("", line)):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert offenders == []
