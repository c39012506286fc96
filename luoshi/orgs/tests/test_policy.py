from django.db.models import Q

from luoshi.orgs import policy
from luoshi.orgs.models import Unit


def names(qs):
    return sorted(u.name for u in qs)


def test_a_township_liaison_sees_only_its_township(city):
    assert names(policy.visible_units(city.township_liaison)) == ["青山镇"]


def test_a_county_liaison_sees_the_county_and_its_townships(city):
    assert names(policy.visible_units(city.county_liaison)) == ["青山县", "青山镇", "龙泉镇"]


def test_a_city_supervisor_and_a_leader_see_the_whole_city(city):
    everything = names(Unit.objects.all())
    assert names(policy.visible_units(city.city_supervisor)) == everything
    assert names(policy.visible_units(city.leader)) == everything


def test_an_admin_sees_everything_without_a_unit(city):
    assert policy.scope_root(city.admin) is None
    assert policy.visible_units(city.admin).count() == Unit.objects.count()


def test_only_supervisors_supervise_and_only_within_their_jurisdiction(city):
    assert policy.can_supervise(city.county_supervisor, city.qingshan_town)
    assert not policy.can_supervise(city.county_supervisor, city.baisha)
    assert not policy.can_supervise(city.county_supervisor, city.city)
    assert not policy.can_supervise(city.county_liaison, city.qingshan_town)
    assert not policy.can_supervise(city.leader, city.qingshan)
    assert policy.can_supervise(city.city_supervisor, city.qingshan_town)


def test_a_user_without_a_unit_sees_nothing(city):
    from luoshi.orgs.models import User

    stranger = User(username="stray", role="liaison")
    assert not policy.visible_units(stranger).exists()


def test_an_anonymous_user_sees_nothing(city):
    from django.contrib.auth.models import AnonymousUser

    assert not policy.visible_units(AnonymousUser()).exists()
    assert not policy.can_see_unit(AnonymousUser(), city.city)


def test_the_root_of_the_only_tree_covers_everything_and_its_filters_test_no_unit(city):
    from luoshi.orgs.models import User
    from luoshi.plans.models import Task, visible_task_q
    from luoshi.testing import make_task

    make_task(city, title="白沙区任务", lead_unit=city.baisha)
    supervisor = User.objects.get(pk=city.city_supervisor.pk)
    assert policy.covers_everything(supervisor) and not policy.covers_everything(city.county_liaison)
    assert policy.unit_q(supervisor) == policy.EVERYTHING == visible_task_q(supervisor)
    assert "WHERE" not in str(Task.objects.filter(visible_task_q(supervisor)).query)
    # OR'd with a narrower filter it still keeps every row (Django drops an empty Q() from an OR).
    units = Unit.objects.filter(policy.unit_q(supervisor) | Q(pk=city.baisha.pk))
    assert units.count() == Unit.objects.count() == 6
    assert policy.unit_q(supervisor, "lead_unit") == Q(lead_unit__isnull=False)  # a missing unit stays out
    assert Task.objects.visible_to(supervisor).count() == Task.objects.count()


def test_a_second_tree_takes_the_shortcut_away_and_stays_out_of_the_first_ones_scope(city):
    from luoshi.orgs.models import User
    from luoshi.testing import make_unit

    make_unit("远山市", "city")
    supervisor = User.objects.get(pk=city.city_supervisor.pk)  # a fresh user: the answer is kept per object
    assert not policy.covers_everything(supervisor)
    assert "远山市" not in names(policy.visible_units(supervisor))
    assert policy.unit_q(supervisor) == Q(path__startswith=city.city.path)
    assert policy.covers_everything(city.admin)
