import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\{\s*\w+\s*\}\}")


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_interface_string_is_translated_with_its_placeholders(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalog) > 150
    for entry in catalog:
        assert entry.translated() and "fuzzy" not in entry.flags, entry.msgid
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid


def test_the_interface_is_simplified_chinese_even_for_an_english_browser(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in page and "Sign in" not in page


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("en", "Sign in to Luoshi", "登录"),
        ("zh-hant", "登錄落實", "登录"),
        ("zh-hans", "登录落实", "Sign in"),
    ],
)
def test_a_chosen_language_sticks(client, language, expected, absent):
    response = client.post(reverse("set_language"), {"language": language, "next": reverse("login")})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert expected in page and absent not in page
