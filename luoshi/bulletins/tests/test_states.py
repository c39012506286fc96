"""The bulletin's states and what each action does in each: allowed, it writes and is audited; refused, it
says why in words of its own and writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from luoshi.audit.models import AuditEvent
from luoshi.bulletins import services
from luoshi.bulletins.models import Bulletin, Section, State
from luoshi.core import clock
from luoshi.notify.models import Notice

ALLOWED = {("edit", State.READY), ("publish", State.READY), ("regenerate", State.READY),
           ("regenerate", State.FAILED)}  # fmt: skip
PAIRS = [(action, state) for action in services.ACTIONS for state in State]


def put_in(bulletin, state):
    fields = {"state": state}
    if state == State.PUBLISHED:
        fields["published_at"] = clock.now()
    Bulletin.objects.filter(pk=bulletin.pk).update(**fields)
    bulletin.refresh_from_db()
    return bulletin


def act(action, bulletin, by):
    if action == "edit":
        section = bulletin.sections.order_by("order").first()
        return services.edit_section(
            section=section,
            by=by,
            heading="总体情况",
            text="改写后的正文。",
            expected_version=section.version,
        )
    if action == "publish":
        return services.publish(bulletin=bulletin, by=by)
    return services.regenerate(bulletin=bulletin, by=by)


def written():
    return (
        AuditEvent.objects.count(),
        Notice.objects.count(),
        list(Bulletin.objects.values_list("state", "published_at", "steps_done")),
        list(Section.objects.values_list("heading", "text", "version")),
    )


def test_every_refusal_has_a_message_of_its_own():
    said = [services.refusal(a, s) for a, s in PAIRS if (a, s) not in ALLOWED]
    assert all(said) and len(set(said)) == len(said)
    assert all(services.refusal(a, s) is None for a, s in ALLOWED)


@pytest.mark.parametrize("action, state", PAIRS)
def test_each_action_in_each_state(ready, city, action, state, django_capture_on_commit_callbacks):
    bulletin = put_in(ready, state)
    before = written()
    if (action, state) in ALLOWED:
        with django_capture_on_commit_callbacks(execute=False):
            act(action, bulletin, city.city_supervisor)
        assert written() != before
        assert AuditEvent.objects.count() == before[0] + 1 + (action == "publish")  # publishing also tells
        return
    with pytest.raises(ValidationError) as refused:
        act(action, bulletin, city.city_supervisor)
    assert refused.value.messages == [services.refusal(action, state)]
    assert written() == before


def test_publishing_tells_the_people_of_the_units_covered_and_not_others(ready, city):
    services.publish(bulletin=ready, by=city.city_supervisor)
    told = set(Notice.objects.filter(kind=services.NOTICE_KIND).values_list("recipient__username", flat=True))
    assert {"county_liaison", "county_head", "township_liaison", "outsider", "department_liaison"} <= told
    assert "city_supervisor" not in told
    notice = Notice.objects.filter(kind=services.NOTICE_KIND).first()
    assert notice.url == f"/bulletins/{ready.pk}/" and ready.title in notice.title


def test_a_county_bulletin_tells_only_the_county(generated, city):
    bulletin = generated(scope=city.qingshan)
    services.publish(bulletin=bulletin, by=city.city_supervisor)
    told = set(Notice.objects.filter(kind=services.NOTICE_KIND).values_list("recipient__username", flat=True))
    assert "county_liaison" in told and "outsider" not in told and "department_liaison" not in told


def test_an_edit_changes_the_words_but_not_the_rows_and_is_audited(ready, city):
    section = ready.sections.order_by("order").first()
    rows = section.rows
    services.edit_section(section=section, by=city.city_supervisor, heading="总体情况", text="新的正文。",
                          expected_version=1)  # fmt: skip
    section.refresh_from_db()
    assert (section.text, section.version, section.rows) == ("新的正文。", 2, rows)
    event = AuditEvent.objects.get(action="bulletin_section.edit")
    assert event.after["text"] == "新的正文。" and event.before["text"] != "新的正文。"


def test_a_stale_edit_is_refused(ready, city):
    section = ready.sections.order_by("order").first()
    services.edit_section(section=section, by=city.city_supervisor, heading="一", text="", expected_version=1)
    with pytest.raises(services.StaleVersion):
        services.edit_section(
            section=section, by=city.city_supervisor, heading="二", text="", expected_version=1
        )


def test_only_the_office_over_the_issuer_acts_on_it(ready, city):
    before = written()
    for person in (city.county_supervisor, city.leader, city.county_liaison):
        with pytest.raises(ValidationError):
            services.publish(bulletin=ready, by=person)
    assert written() == before


@pytest.mark.parametrize(
    "changes, field",
    [({"title": "  "}, "title"), ({"title": "长" * 201}, "title"), ({"number": "号" * 31}, "number")],
)
def test_bad_input_names_the_field_and_writes_nothing(city, october_world, changes, field):
    from .conftest import new_bulletin

    before = written()
    with pytest.raises(ValidationError) as refused:
        new_bulletin(city, october_world, **changes)
    assert field in refused.value.message_dict
    assert written() == before


def test_a_county_office_cannot_cover_the_city(city, october_world):
    from .conftest import new_bulletin

    with pytest.raises(ValidationError):
        new_bulletin(city, october_world, by=city.county_supervisor, scope=city.city, run=None)
