import datetime as dt

from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.testing import count_queries, make_task


def test_a_liaisons_home_shows_only_their_units_work(client, city):
    make_task(city, title="青山县的任务", lead_unit=city.qingshan)
    make_task(city, title="白沙县的任务", lead_unit=city.baisha, due=dt.date(2026, 1, 31))
    client.force_login(city.outsider)
    response = client.get(reverse("web:home"))
    page = response.content.decode()
    assert "白沙县的任务" in page and "青山县的任务" not in page
    assert response.context["tally"]["total"] == 1


def test_a_supervisors_home_shows_the_jurisdiction_with_a_chart(client, city):
    make_task(city, title="青山县的任务", lead_unit=city.qingshan, due=dt.date(2026, 1, 31))
    make_task(city, title="白沙县的任务", lead_unit=city.baisha)
    client.force_login(city.county_supervisor)
    response = client.get(reverse("web:home"))
    assert response.context["tally"]["total"] == 1
    assert response.context["chart"]["categories"] == ["经济发展挑大梁任务清单"]
    assert [s["data"] for s in response.context["chart"]["series"]] == [[0], [0], [1]]
    assert 'id="chart-lists"' in response.content.decode()


def test_the_home_page_runs_the_same_number_of_queries_for_few_or_many_tasks(client, city):
    client.force_login(city.city_supervisor)
    make_task(city, due=dt.date(2026, 3, 1))  # overdue, so every panel has rows from the start
    few = count_queries(client, reverse("web:home"))
    for i in range(40):
        make_task(city, title=f"任务{i}", lead_unit=city.baisha, co_units=[city.fgw], due=dt.date(2026, 3, 1))
    assert count_queries(client, reverse("web:home")) == few


def test_hostile_text_is_shown_as_text(client, city):
    make_task(city, title='<script>alert("x")</script>青山', content="<img src=x onerror=alert(1)>")
    client.force_login(city.city_supervisor)
    page = client.get(reverse("plans:task_list")).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_a_write_from_a_page_records_who_and_from_where(client, city):
    client.force_login(city.city_supervisor)
    task = make_task(city)
    response = client.post(
        reverse("plans:milestone_add", args=[task.pk]),
        {"title": "完成选址", "due": "2026-03-31", "expected_progress": "20"},
        REMOTE_ADDR="10.8.0.7",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="milestone.create")
    assert (event.actor_id, event.ip_address, len(event.request_id)) == (
        city.city_supervisor.pk,
        "10.8.0.7",
        32,
    )


def test_signing_in_and_out_is_audited(client, city):
    assert (
        client.post(
            reverse("login"), {"username": "city_supervisor", "password": "correct-horse-9"}
        ).status_code
        == 302
    )
    client.post(reverse("logout"))
    actions = list(
        AuditEvent.objects.filter(actor_id=city.city_supervisor.pk).values_list("action", flat=True)
    )
    assert actions[-2:] == ["user.sign_in", "user.sign_out"]


def test_repeated_failed_sign_ins_lock_the_account_from_that_address(client, city, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "city_supervisor", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "city_supervisor", "password": "correct-horse-9"})
    assert response.status_code == 429
