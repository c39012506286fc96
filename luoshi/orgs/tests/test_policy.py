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
