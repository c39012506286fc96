"""驾驶舱 in Chromium: the city's leader reads the lights, follows the red count to the units and on to the
tasks, follows a ranking row to the rows behind the score, and puts the cockpit on the meeting-room
screen; at desktop and phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from luoshi.assessment import services
from luoshi.assessment.tests.conftest import AS_OF, END, START, build_system, fill_october
from luoshi.cockpit.tests import world

pytestmark = pytest.mark.browser

SIZES = [(1280, "desktop"), (390, "phone")]


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_a_leader_drills_from_the_cockpits_figures_to_their_rows(browse, live_city, clock, width, suffix):
    c = live_city
    system = build_system(c)
    fill_october(c, clock, system)
    services.run_assessment(  # October's ranking; the clock stands at its facts' time, 2026-11-18
        system=system, period_start=START, period_end=END, by=c.city_supervisor, now=AS_OF
    )
    world.build(c, clock)

    leader = browse(width=width, height=900)
    leader.sign_in("leader")
    leader.open("/")
    if width < 768:
        leader.page.locator(".navbar-toggler").click()
    leader.page.get_by_test_id("nav-cockpit").click()
    page = leader.page
    # The cockpit is the heaviest page: wait for it to be shown (as long as a navigation may take), not 5 s
    # for a chart while the page before it is still shown, which a loaded machine's render outlasted in CI.
    expect(page).to_have_url(re.compile(r"/cockpit/$"), timeout=30_000)
    expect(page.get_by_test_id("lights-chart").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("trend-chart").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("ranking-chart").first.locator("svg")).to_be_visible()
    expect(page.get_by_test_id("forecast-row").first).to_contain_text("推进城北污水处理厂建设")
    red = page.locator('[data-testid="light-count"][data-light="red"]')
    # 青山镇's and 白沙县's overdue tasks, and October's two left undone (青山县's and 白沙县's).
    expect(red.get_by_test_id("count")).to_have_text("4")
    page.wait_for_timeout(300)  # the charts' entry animation
    leader.screenshot(f"cockpit-{suffix}")
    # On a phone nothing is wider than the screen but the tables, which scroll inside their cards.
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    red.click()
    rows = page.get_by_test_id("unit-row")
    expect(rows).to_have_count(3)
    leader.screenshot(f"cockpit-units-{suffix}")
    white_sand = rows.filter(has_text="白沙县")
    white_sand.locator('[data-testid="unit-count"][data-light="red"]').click()
    expect(page).to_have_url(f"{leader.base_url}/tasks/?lead_unit={c.baisha.pk}&unit_only=on&light=red")
    titles = page.locator("table tbody tr")
    expect(titles).to_have_count(2)
    expect(titles.filter(has_text="白沙县逾期")).to_have_count(1)

    # A point of the on-time trend opens its cycle's reports: clicked where ECharts drew it.
    leader.open("/cockpit/")
    chart = page.get_by_test_id("trend-chart")
    chart.scroll_into_view_if_needed()
    expect(chart.locator("svg")).to_be_visible()
    page.wait_for_timeout(1200)  # the line's entry animation
    # The point is looked up where ECharts draws it now and clicked relative to the chart, so a resize or a
    # scroll between reading the point and clicking it cannot move the click off it; a click that a still
    # moving chart lets fall beside the point is tried again, and the page must still navigate in the end.
    for _attempt in range(4):
        x, y = page.evaluate(
            """(el) => {
                const trend = JSON.parse(document.getElementById("chart-trend").textContent);
                const first = trend.series[0].data[0];
                return echarts.getInstanceByDom(el).convertToPixel({ seriesIndex: 0 }, first.value);
            }""",
            chart.element_handle(),
        )
        chart.click(position={"x": x, "y": y})
        try:
            page.wait_for_url(re.compile(r"/cycles/\d+/$"), timeout=3_000)
            break
        except PlaywrightTimeoutError:
            page.wait_for_timeout(500)
    expect(page).to_have_url(re.compile(r"/cycles/\d+/$"))
    expect(page.get_by_role("heading").first).to_contain_text("一周一调度")

    leader.open("/cockpit/")
    county = page.locator('[data-testid="ranking"][data-category="county"]')
    county.get_by_test_id("ranking-row").filter(has_text="青山县").get_by_test_id("trace-link").click()
    expect(page.get_by_test_id("trace-total")).to_be_visible()
    tasks = page.get_by_test_id("trace-line").filter(has_text="任务按期完成")
    expect(tasks.get_by_test_id("line-fact")).to_contain_text("4项中达标3项")

    leader.open("/cockpit/")
    page.get_by_test_id("screen-mode").click()
    expect(page.get_by_test_id("cockpit-screen")).to_be_visible()
    expect(page.locator("nav.navbar")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    expect(page.get_by_test_id("lights-chart").locator("svg")).to_be_visible()
    page.get_by_test_id("fullscreen").click()
    page.wait_for_function("document.fullscreenElement !== null")
    page.wait_for_timeout(300)
    leader.screenshot(f"cockpit-screen-{suffix}")
