"""Every kind of notice the product sends wears a badge in words, never its code."""

from django.utils import translation

from luoshi.bulletins.services import NOTICE_KIND
from luoshi.notify.models import Notice, NoticeKind
from luoshi.notify.texts import TEXTS


def test_every_kind_sent_has_a_badge_in_the_readers_language() -> None:
    kinds = {*TEXTS, *NoticeKind.values, NOTICE_KIND}
    with translation.override("en"):
        english = {kind: Notice(kind=kind).kind_label for kind in kinds}
    with translation.override("zh-hans"):
        chinese = {kind: Notice(kind=kind).kind_label for kind in kinds}
    assert [kind for kind, label in english.items() if label == kind] == []
    assert english["supervision_due"] == "Supervision" and english[NOTICE_KIND] == "Bulletin"
    assert [kind for kind in kinds if chinese[kind] == english[kind]] == []


def test_a_kind_of_no_known_family_shows_its_code() -> None:
    assert Notice(kind="custom_thing").kind_label == "custom_thing"
