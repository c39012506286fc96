"""揭榜挂帅's services: draft → publish → apply → close → select → task and pledge, each audited and told."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import verify
from luoshi.challenges import services
from luoshi.challenges.models import Application, OpenCall
from luoshi.challenges.rules import ApplicationState, CallState
from luoshi.challenges.services import Choice
from luoshi.challenges.tests.helpers import COMMITTED, apply, call_list, commitment, make_call
from luoshi.notify.models import Notice
from luoshi.plans.models import Pledge
from luoshi.testing import make_user


def actions_about(obj):
    return list(
        AuditEvent.objects.filter(object_id=str(obj.pk), object_type=obj._meta.label_lower).values_list(
            "action", flat=True
        )
    )


def test_publishing_tells_the_liaisons_and_heads_of_every_unit_below_the_office(city):
    call = make_call(city)
    assert call.state == CallState.DRAFT and not Notice.objects.filter(kind="open_call_published").exists()
    services.publish_call(call=call, by=city.city_supervisor)
    told = set(
        Notice.objects.filter(kind="open_call_published").values_list("recipient__username", flat=True)
    )
    assert told == {
        "county_liaison",
        "county_head",
        "township_liaison",
        "other_township_liaison",
        "outsider",
        "department_liaison",
    }
    assert actions_about(call) == ["open_call.create", "open_call.publish"]


def test_a_call_open_to_chosen_units_tells_only_them(city):
    call = make_call(city, open_to_all=False, units=[city.fgw])
    services.publish_call(call=call, by=city.city_supervisor)
    told = set(
        Notice.objects.filter(kind="open_call_published").values_list("recipient__username", flat=True)
    )
    assert told == {"department_liaison"}


def test_a_call_needs_its_texts_a_future_closing_date_and_units_in_the_jurisdiction(city, clock):
    with pytest.raises(ValidationError) as refused:
        make_call(city, title=" ", closes_on=dt.date(2026, 11, 1))
    assert set(refused.value.message_dict) == {"title", "closes_on"}
    with pytest.raises(ValidationError) as refused:
        make_call(city, by=city.county_supervisor, open_to_all=False, units=[city.baisha])
    assert "units" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_call(city, open_to_all=False, units=[])
    assert "units" in refused.value.message_dict


def test_only_a_supervisor_drafts_a_call_and_only_into_a_list_it_manages(city):
    with pytest.raises(PermissionDenied):
        make_call(city, by=city.county_liaison)
    text = services.CallText(
        title="t", problem="p", requirements="r", goal="g", closes_on=dt.date(2026, 12, 1)
    )
    with pytest.raises(ValidationError) as refused:
        services.create_call(by=city.county_supervisor, task_list=city.economy, text=text)
    assert "task_list" in refused.value.message_dict


def test_a_unit_applies_edits_withdraws_and_applies_again_one_application_per_unit(city):
    call = make_call(city, publish=True)
    first = apply(city, call, "qingshan", "county_liaison")
    assert first.state == ApplicationState.SUBMITTED
    assert Notice.objects.filter(kind="open_call_application", recipient=city.city_supervisor).count() == 1
    edited = apply(city, call, "qingshan", "county_head", target="新增日处理能力3万吨")
    assert edited.pk == first.pk and edited.target == "新增日处理能力3万吨" and edited.version == 2
    withdrawn = services.withdraw_application(application=edited, by=city.county_liaison)
    assert withdrawn.state == ApplicationState.WITHDRAWN
    again = apply(city, call, "qingshan", "county_liaison")
    assert again.pk == first.pk and again.state == ApplicationState.SUBMITTED
    assert Application.objects.filter(call=call).count() == 1
    assert Notice.objects.filter(kind="open_call_application").count() == 1  # told once, not per edit
    assert actions_about(first) == [
        "call_application.submit",
        "call_application.submit",
        "call_application.withdraw",
        "call_application.submit",
    ]


def test_an_application_names_people_of_the_unit_and_a_future_deadline(city):
    call = make_call(city, publish=True)
    with pytest.raises(ValidationError) as refused:
        services.submit_application(
            call=call,
            unit=city.qingshan,
            by=city.county_liaison,
            commitment=commitment(city, "qingshan", leader=city.outsider, committed_due=dt.date(2026, 11, 1)),
        )
    assert set(refused.value.message_dict) == {"leader", "committed_due"}
    assert not Application.objects.exists()


def test_a_unit_outside_the_call_cannot_apply(city):
    call = make_call(city, publish=True, open_to_all=False, units=[city.fgw])
    with pytest.raises(PermissionDenied):
        apply(city, call, "qingshan", "county_liaison")
    with pytest.raises(PermissionDenied):  # a supervisor does not apply for a unit
        apply(city, call, "fgw", "city_supervisor")


def test_applications_stop_after_the_closing_date_and_the_nightly_job_closes_the_call(city, clock):
    call = make_call(city, publish=True)
    clock.set(dt.date(2026, 12, 1))
    with pytest.raises(ValidationError) as refused:
        apply(city, call, "qingshan", "county_liaison", committed_due=COMMITTED)
    assert "揭榜截止日期已过" in str(refused.value)
    closed = services.close_due_calls(today=dt.date(2026, 12, 1))
    assert [c.pk for c in closed] == [call.pk]
    call.refresh_from_db()
    assert call.state == CallState.CLOSED
    event = AuditEvent.objects.get(action="open_call.close", object_id=str(call.pk))
    assert event.actor_name == ""  # the system's job


def test_files_go_with_the_application_each_audited_and_a_bad_one_stores_nothing(city):
    call = make_call(city, publish=True)
    pdf = SimpleUploadedFile("实施方案.pdf", b"%PDF-1.7 plan", content_type="application/pdf")
    application = services.submit_application(
        call=call,
        unit=city.qingshan,
        by=city.county_liaison,
        commitment=commitment(city, "qingshan"),
        uploads=[pdf],
    )
    assert [f.name for f in application.files.all()] == ["实施方案.pdf"]
    assert AuditEvent.objects.filter(action="call_application_file.add").count() == 1
    bad = SimpleUploadedFile("方案.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        services.submit_application(
            call=call,
            unit=city.fgw,
            by=city.department_liaison,
            commitment=commitment(city, "fgw"),
            uploads=[bad],
        )
    assert not Application.objects.filter(unit=city.fgw).exists()


def _closed_with_three(city):
    call = make_call(city, publish=True)
    a = apply(city, call, "qingshan", "county_liaison")
    b = apply(city, call, "fgw", "department_liaison")
    c = apply(city, call, "baisha", "outsider")
    return services.close_call(call=call, by=city.city_supervisor), a, b, c


def test_selecting_creates_the_task_in_the_calls_list_and_asks_the_head_for_the_pledge(city):
    call, a, b, c = _closed_with_three(city)
    services.decide_applications(
        call=call,
        by=city.city_supervisor,
        choices=[
            Choice(a, True, "方案最完整，承诺时限最短。"),
            Choice(b, False, "缺少实施团队。"),
            Choice(c, False, "建议与青山县合作。"),
        ],
    )
    call.refresh_from_db()
    a.refresh_from_db()
    assert call.state == CallState.DECIDED and a.state == ApplicationState.SELECTED
    task = a.task
    assert task.task_list == call_list(city) and task.lead_unit == city.qingshan
    assert task.due == COMMITTED and task.leader == city.county_head and task.owner == city.county_liaison
    assert task.issuer == city.city and "工业园区污水处理" in task.content and task.measures == a.proposal
    assert Application.objects.get(pk=b.pk).state == ApplicationState.NOT_SELECTED
    kinds = dict(
        Notice.objects.values_list("recipient__username", "kind")
        .filter(kind__startswith="open_call_")
        .exclude(kind__in=["open_call_published", "open_call_application"])
    )
    assert kinds == {
        "county_liaison": "open_call_selected",
        "county_head": "open_call_selected",
        "department_liaison": "open_call_not_selected",
        "outsider": "open_call_not_selected",
    }
    assert Notice.objects.get(kind="pledge_awaited").recipient == city.county_head
    not_selected = Notice.objects.get(kind="open_call_not_selected", recipient=city.outsider)
    assert "建议与青山县合作" in not_selected.body

    pledge = services.sign_pledge(application=a, by=city.county_head, commitment="确保2027年6月底前建成")
    assert Pledge.objects.get(task=task) == pledge and pledge.signer == city.county_head
    with pytest.raises(ValidationError):
        services.sign_pledge(application=a, by=city.county_head, commitment="再签一次")
    assert actions_about(call) == [
        "open_call.create",
        "open_call.publish",
        "open_call.close",
        "open_call.decide",
    ]
    assert verify().ok


def test_only_the_selected_units_head_signs_the_pledge(city):
    call, a, b, c = _closed_with_three(city)
    services.decide_applications(call=call, by=city.city_supervisor, choices=[Choice(a, True, "入选")])
    a.refresh_from_db()
    for someone in (city.county_liaison, city.city_supervisor, city.outsider):
        with pytest.raises(PermissionDenied):
            services.sign_pledge(application=a, by=someone, commitment="承诺")
    b.refresh_from_db()
    with pytest.raises(PermissionDenied):  # not selected: no task, nothing to sign
        services.sign_pledge(application=b, by=city.county_head, commitment="承诺")


def test_a_partial_decision_leaves_the_call_closed_until_the_last_application(city):
    call, a, b, c = _closed_with_three(city)
    services.decide_applications(call=call, by=city.city_supervisor, choices=[Choice(b, False, "不符合条件")])
    call.refresh_from_db()
    assert call.state == CallState.CLOSED
    services.decide_applications(
        call=call, by=city.city_supervisor, choices=[Choice(a, True, "入选"), Choice(c, True, "入选")]
    )
    call.refresh_from_db()
    assert call.state == CallState.DECIDED
    assert Application.objects.filter(call=call, task__isnull=False).count() == 2


def test_the_cap_on_selections_refuses_one_too_many_and_writes_nothing(city):
    call = make_call(city, publish=True, max_selected=1)
    a = apply(city, call, "qingshan", "county_liaison")
    b = apply(city, call, "fgw", "department_liaison")
    call = services.close_call(call=call, by=city.city_supervisor)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.decide_applications(
            call=call, by=city.city_supervisor, choices=[Choice(a, True, "入选"), Choice(b, True, "入选")]
        )
    assert "最多入选 1 个" in str(refused.value)
    assert (
        AuditEvent.objects.count() == before and not Application.objects.filter(task__isnull=False).exists()
    )


def test_every_decision_needs_its_note(city):
    call, a, b, c = _closed_with_three(city)
    with pytest.raises(ValidationError) as refused:
        services.decide_applications(call=call, by=city.city_supervisor, choices=[Choice(a, True, " ")])
    assert "note" in refused.value.message_dict


def test_cancelling_needs_a_reason_and_tells_the_applicants(city):
    call = make_call(city, publish=True)
    apply(city, call, "qingshan", "county_liaison")
    with pytest.raises(ValidationError):
        services.cancel_call(call=call, by=city.city_supervisor, reason="")
    services.cancel_call(call=call, by=city.city_supervisor, reason="省里已统一部署")
    call.refresh_from_db()
    assert call.state == CallState.CANCELLED and call.cancel_reason == "省里已统一部署"
    told = set(
        Notice.objects.filter(kind="open_call_cancelled").values_list("recipient__username", flat=True)
    )
    assert told == {"county_liaison", "county_head"}


def test_only_the_office_over_the_issuer_manages_the_call(city):
    call = make_call(city)
    for someone in (city.county_supervisor, city.county_liaison, city.leader):
        with pytest.raises(PermissionDenied):
            services.publish_call(call=call, by=someone)
    assert OpenCall.objects.get(pk=call.pk).state == CallState.DRAFT


def test_a_county_call_is_open_to_the_countys_townships(city):
    call = make_call(city, by=city.county_supervisor, publish=True)
    head = make_user("town_head", "unit_head", city.qingshan_town)
    application = services.submit_application(
        call=call,
        unit=city.qingshan_town,
        by=city.township_liaison,
        commitment=commitment(city, "qingshan_town", leader=head),
    )
    assert application.unit == city.qingshan_town
    with pytest.raises(PermissionDenied):
        apply(city, call, "baisha", "outsider")
