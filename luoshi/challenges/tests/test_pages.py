"""The open-call pages: scope (404 outside, each unit its own application), the forms, the query counts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from luoshi.challenges import services
from luoshi.challenges.models import Application, OpenCall
from luoshi.challenges.rules import ApplicationState, CallState
from luoshi.challenges.services import Choice
from luoshi.challenges.tests.helpers import apply, call_list, commitment, make_call
from luoshi.plans.models import Pledge
from luoshi.testing import count_queries, make_unit, make_user


def client_of(person):
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def open_call(city):
    """The city's call, open to all, with 青山县's and 市发展改革委's applications (青山县's with a file)."""
    call = make_call(city, publish=True)
    pdf = SimpleUploadedFile("实施方案.pdf", b"%PDF-1.7 plan", content_type="application/pdf")
    services.submit_application(
        call=call,
        unit=city.qingshan,
        by=city.county_liaison,
        commitment=commitment(city, "qingshan"),
        uploads=[pdf],
    )
    apply(city, call, "fgw", "department_liaison")
    return call


def test_the_office_sees_every_application_a_unit_only_its_own(city, open_call):
    page = client_of(city.city_supervisor).get(f"/calls/{open_call.pk}/").content.decode()
    assert "青山县" in page and "市发展改革委" in page and 'data-testid="application"' in page
    page = client_of(city.department_liaison).get(f"/calls/{open_call.pk}/").content.decode()
    assert page.count('data-testid="application"') == 1 and 'data-unit="市发展改革委"' in page
    page = client_of(city.other_township_liaison).get(f"/calls/{open_call.pk}/").content.decode()
    assert 'data-testid="application"' not in page and 'data-testid="call-apply"' in page


def test_an_outsider_gets_404_on_the_call_its_applications_and_files(city):
    call = make_call(city, by=city.county_supervisor, publish=True)
    head = make_user("town_head", "unit_head", city.qingshan_town)
    pdf = SimpleUploadedFile("方案.pdf", b"%PDF-1.7 plan", content_type="application/pdf")
    application = services.submit_application(
        call=call,
        unit=city.qingshan_town,
        by=city.township_liaison,
        commitment=commitment(city, "qingshan_town", leader=head),
        uploads=[pdf],
    )
    file = application.files.get()
    for outsider in (city.outsider, city.department_liaison):
        client = client_of(outsider)
        assert client.get(f"/calls/{call.pk}/").status_code == 404
        assert client.get(f"/calls/{call.pk}/apply/").status_code == 404
        assert client.get(f"/calls/applications/{application.pk}/files/{file.pk}/").status_code == 404
        assert client.post(f"/calls/applications/{application.pk}/withdraw/").status_code == 404
    # 龙泉镇, a sibling township, sees the call but not 青山镇's application or its file.
    sibling = client_of(city.other_township_liaison)
    assert sibling.get(f"/calls/{call.pk}/").status_code == 200
    assert sibling.get(f"/calls/applications/{application.pk}/files/{file.pk}/").status_code == 404
    assert sibling.post(f"/calls/applications/{application.pk}/withdraw/").status_code == 404
    assert (
        client_of(city.county_head).get(f"/calls/applications/{application.pk}/files/{file.pk}/").status_code
        == 200
    )
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED


def test_a_call_open_to_chosen_units_is_404_to_the_others_and_a_draft_to_every_unit(city):
    chosen = make_call(city, publish=True, open_to_all=False, units=[city.fgw])
    draft = make_call(city)
    assert client_of(city.county_liaison).get(f"/calls/{chosen.pk}/").status_code == 404
    assert client_of(city.department_liaison).get(f"/calls/{chosen.pk}/").status_code == 200
    for person in (city.department_liaison, city.county_head, city.outsider):
        assert client_of(person).get(f"/calls/{draft.pk}/").status_code == 404
    assert client_of(city.city_supervisor).get(f"/calls/{draft.pk}/").status_code == 200
    assert client_of(city.county_supervisor).get(f"/calls/{draft.pk}/").status_code == 404


def test_the_office_drafts_and_publishes_through_the_pages(city):
    task_list = call_list(city)
    office = client_of(city.city_supervisor)
    assert office.get("/calls/new/").status_code == 200
    answer = office.post(
        "/calls/new/",
        {
            "title": "营商环境改革",
            "problem": "企业开办时间长",
            "requirements": "有改革基础",
            "goal": "一日办结",
            "task_list": task_list.pk,
            "closes_on": "2026-12-10",
            "open_to_all": "on",
        },
    )
    call = OpenCall.objects.get(title="营商环境改革")
    assert answer.status_code == 302 and answer["Location"] == f"/calls/{call.pk}/"
    assert office.post(f"/calls/{call.pk}/publish/").status_code == 302
    assert OpenCall.objects.get(pk=call.pk).state == CallState.PUBLISHED
    again = office.post(f"/calls/{call.pk}/publish/", follow=True).content.decode()
    assert "只有草稿才能发布" in again  # the refusal, in the interface language


def test_a_unit_applies_through_its_form_and_an_error_names_the_field(city):
    call = make_call(city, publish=True)
    liaison = client_of(city.county_liaison)
    form = liaison.get(f"/calls/{call.pk}/apply/")
    assert form.status_code == 200 and 'name="unit"' in form.content.decode()
    data = {
        "unit": city.qingshan.pk,
        "proposal": "分两期建设",
        "target": "日处理2万吨",
        "committed_due": "2026-11-01",
        "leader": city.county_head.pk,
        "owner": city.county_liaison.pk,
    }
    refused = liaison.post(f"/calls/{call.pk}/apply/", data)
    assert refused.status_code == 200 and "承诺完成时限必须晚于今天" in refused.content.decode()
    assert (
        liaison.post(f"/calls/{call.pk}/apply/", {**data, "committed_due": "2027-06-30"}).status_code == 302
    )
    assert Application.objects.get(call=call).unit == city.qingshan
    assert client_of(city.city_supervisor).get(f"/calls/{call.pk}/apply/").status_code == 403


def test_the_office_decides_on_the_page_and_the_head_signs_the_pledge(city, open_call):
    office = client_of(city.city_supervisor)
    office.post(f"/calls/{open_call.pk}/close/")
    page = office.get(f"/calls/{open_call.pk}/").content.decode()
    assert 'data-testid="decide-form"' in page
    a, b = Application.objects.filter(call=open_call).order_by("unit__path")
    answer = office.post(
        f"/calls/{open_call.pk}/decide/",
        {
            f"decision-{a.pk}": "select",
            f"note-{a.pk}": "方案完整",
            f"decision-{b.pk}": "not_select",
            f"note-{b.pk}": "缺团队",
        },
    )
    assert answer.status_code == 302
    a.refresh_from_db()
    assert OpenCall.objects.get(pk=open_call.pk).state == CallState.DECIDED and a.task is not None
    head = client_of(city.county_head)
    page = head.get(f"/calls/{open_call.pk}/").content.decode()
    assert 'data-testid="pledge-form"' in page
    assert head.post(f"/calls/applications/{a.pk}/pledge/", {"commitment": "确保按期完成"}).status_code == 302
    assert Pledge.objects.get(task=a.task).signer == city.county_head
    shown = office.get(f"/calls/{open_call.pk}/").content.decode()
    assert 'data-testid="pledge-signed"' in shown and "确保按期完成" in shown
    assert (
        client_of(city.county_liaison)
        .post(f"/calls/applications/{a.pk}/pledge/", {"commitment": "x"})
        .status_code
        == 403
    )


def _many_calls(city, n):
    for i in range(n):
        call = make_call(city, publish=True, title=f"攻关事项{i}")
        apply(city, call, "qingshan", "county_liaison")
        apply(city, call, "fgw", "department_liaison")
        if i % 2:
            call = services.close_call(call=call, by=city.city_supervisor)
            services.decide_applications(
                call=call,
                by=city.city_supervisor,
                choices=[Choice(a, a.unit == city.qingshan, "决定") for a in call.applications.all()],
            )


@pytest.mark.parametrize(
    "persona", ["city_supervisor", "county_liaison", "department_liaison", "leader", "admin"]
)
def test_the_list_runs_the_same_queries_for_two_calls_or_ten(city, persona):
    _many_calls(city, 2)
    client = client_of(getattr(city, persona))
    few = count_queries(client, "/calls/")
    _many_calls(city, 8)
    many = count_queries(client, "/calls/")
    assert many == few and many <= 8


def test_the_detail_page_runs_the_same_queries_for_two_applications_or_five(city):
    call = make_call(city, publish=True)
    apply(city, call, "qingshan", "county_liaison")
    apply(city, call, "fgw", "department_liaison")
    office = client_of(city.city_supervisor)
    few = count_queries(office, f"/calls/{call.pk}/")
    town = make_unit("白沙县园区", "park", city.baisha)
    person = make_user("park", "liaison", town)
    apply(city, call, "baisha", "outsider")
    services.submit_application(
        call=call,
        unit=town,
        by=person,
        commitment=commitment(city, "baisha", leader=person, owner=person),
    )
    apply(city, call, "longquan_town", "other_township_liaison")
    assert count_queries(office, f"/calls/{call.pk}/") == few


def test_the_list_shows_the_office_its_counts_and_a_unit_its_own_state(city, open_call):
    office = client_of(city.city_supervisor).get("/calls/").content.decode()
    assert "2 个单位揭榜" in office
    unit = client_of(city.department_liaison).get("/calls/").content.decode()
    assert "本单位揭榜：已提交" in unit
    outsider_list = client_of(city.other_township_liaison).get("/calls/").content.decode()
    assert "本单位未揭榜" in outsider_list
    assert dt


def test_a_unit_with_one_choice_applies_for_itself_without_choosing(city):
    call = make_call(city, publish=True)
    page = client_of(city.department_liaison).get(f"/calls/{call.pk}/apply/").content.decode()
    assert f'type="hidden" name="unit" value="{city.fgw.pk}"' in page
