// Small behaviours the pages share; no inline scripts, so the Content-Security-Policy stays strict.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
// The printed page's header names the page, as the browser tab does.
document.addEventListener("DOMContentLoaded", () => {
  const title = document.querySelector(".print-header .print-title");
  if (title) title.textContent = document.title;
});
// An export link follows the filters as htmx changes them: the address bar holds the current query.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-export]");
  if (link) link.href = link.dataset.export + window.location.search;
});

// Charts: each [data-chart=NAME] element is drawn from the JSON in #chart-NAME, which the server builds.
const charts = {
  trajectory(el, data) {
    const option = this.progress(data);
    if (data.indicator) {
      option.yAxis = [
        option.yAxis,
        { type: "value", min: data.indicator.min, max: data.indicator.max, splitLine: { show: false } },
      ];
      option.series.push({
        name: data.indicator.name, type: "line", yAxisIndex: 1, data: data.indicator.values, symbolSize: 6,
        lineStyle: { color: "#e0a800" }, itemStyle: { color: "#e0a800" },
        markLine: {
          symbol: "none", lineStyle: { color: "#e0a800", type: "dotted" },
          label: { formatter: data.indicator.target_label + " " + data.indicator.target },
          data: [{ yAxis: data.indicator.target }],
        },
      });
    }
    return option;
  },
  progress(data) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "time" },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        {
          name: data.labels.expected, type: "line", data: data.expected, showSymbol: false,
          lineStyle: { type: "dashed", color: "#6c757d" }, itemStyle: { color: "#6c757d" },
          markPoint: {
            symbol: "pin", symbolSize: 34, itemStyle: { color: "#0d6efd" }, label: { fontSize: 9 },
            data: data.milestones.map((m) => ({ name: m.name, coord: [m.date, m.value], value: m.value + "%" })),
          },
          markLine: {
            symbol: "none", label: { formatter: data.labels.today }, lineStyle: { color: "#b3261e" },
            data: [{ xAxis: data.today }],
          },
        },
        {
          name: data.labels.actual, type: "line", data: data.actual, symbolSize: 7,
          lineStyle: { width: 3, color: "#198754" }, itemStyle: { color: "#198754" },
        },
      ],
    };
  },
  // The cockpit: its lights as a donut, the on-time share per cycle as lines; each slice or point has a url.
  lights(el, data) {
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{
        type: "pie", radius: ["38%", "62%"], center: ["50%", "42%"], data: data.series,
        label: { formatter: "{c}" },
      }],
    };
  },
  trend(el, data) {
    return {
      tooltip: {
        trigger: "item",
        formatter: (p) => `${p.seriesName}<br>${p.value[0]}: ${p.value[1]}% (${p.data.counts[0]}/${p.data.counts[1]})`,
      },
      legend: { top: 0, type: el.clientWidth < 576 ? "scroll" : "plain" },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "time", axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: data.series.map((s) => ({ name: s.name, type: "line", data: s.data, symbolSize: 9 })),
    };
  },
  burden(el, data) {
    return this.lists(el, data);
  },
  ranking(el, data) {
    return { ...this.lists(el, data), legend: { show: false } };
  },
  lists(el, data) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      // On a phone the legend scrolls on one line instead of wrapping over the bars.
      legend: { top: 0, type: el.clientWidth < 576 ? "scroll" : "plain" },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.categories, inverse: true },
      series: data.series.map((s) => ({
        name: s.name, type: "bar", stack: "all", data: s.data, itemStyle: { color: s.color },
        label: { show: true, formatter: (p) => (p.value ? p.value : "") },
      })),
    };
  },
};
function drawCharts() {
  if (!window.echarts) return;
  document.querySelectorAll("[data-chart]").forEach((el) => {
    const source = document.getElementById(el.dataset.source || "chart-" + el.dataset.chart);
    if (!source || el.dataset.drawn) return;
    const theme = document.documentElement.dataset.chartTheme || null;
    const chart = echarts.init(el, theme, { renderer: "svg" });
    const data = JSON.parse(source.textContent);
    chart.setOption({ backgroundColor: "transparent", ...charts[el.dataset.chart](el, data) });
    // A figure drawn from rows links to them: a slice or a point carries its url, a bar its place in `urls`.
    chart.on("click", (p) => {
      const url = (p.data && p.data.url) || (data.urls && data.urls[p.dataIndex]);
      if (url) window.location.assign(url);
    });
    el.dataset.drawn = "1";
    new ResizeObserver(() => chart.resize()).observe(el);
  });
}
window.addEventListener("load", drawCharts);

// A submit button marked data-once is disabled after the first click; the server also deduplicates by key.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.hasAttribute("data-once")) {
    setTimeout(() => { button.disabled = true; }, 0);
  }
});

// "Keep all / Keep none" on long review forms: tick or untick every box whose name ends in -NAME.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-check-all]");
  if (!button) return;
  const suffix = "-" + button.dataset.checkAll;
  button.closest("form").querySelectorAll("input[type=checkbox]").forEach((box) => {
    if (box.name.endsWith(suffix)) box.checked = button.dataset.value === "1";
  });
});

// A refused htmx request answers with an alert fragment (web/errors.py): show it at the top of the page.
document.addEventListener("htmx:responseError", (event) => {
  const main = document.querySelector("main");
  if (main && event.detail.xhr.responseText) main.insertAdjacentHTML("afterbegin", event.detail.xhr.responseText);
});

// A batch form with a "select all" box (data-select-all=NAME over the checkboxes named NAME): the box ticks
// them all, the submit button counts the ticked ones, and a submit with none ticked says so instead of
// going. Without JavaScript the box stays hidden and the server answers an empty submit with the same words.
// With data-select-scope=SELECTOR the box ticks only the boxes inside it (a review's kept rows, not the
// dropped ones folded away); unticking it unticks every box.
function selectionOf(form) {
  const all = form.querySelector("[data-select-all]");
  if (!all) return null;
  const boxes = [...form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`)];
  const scope = all.dataset.selectScope;
  return { all, boxes, governed: scope ? boxes.filter((box) => box.closest(scope)) : boxes };
}
function showSelection(form) {
  const selection = selectionOf(form);
  if (!selection) return;
  const ticked = selection.boxes.filter((box) => box.checked).length;
  const governed = selection.governed.filter((box) => box.checked).length;
  selection.all.checked = governed > 0 && governed === selection.governed.length;
  selection.all.indeterminate = ticked > 0 && !selection.all.checked;
  const count = form.querySelector("[data-selected-count]");
  if (count) { count.textContent = ticked; count.hidden = ticked === 0; }
  const nothing = form.querySelector("[data-nothing-selected]");
  if (nothing && ticked > 0) nothing.hidden = true;
}
document.querySelectorAll("[data-select-all]").forEach((all) => {
  all.hidden = false;
  showSelection(all.form);
});
document.addEventListener("change", (event) => {
  const form = event.target.form;
  const selection = form && selectionOf(form);
  if (!selection) return;
  if (event.target === selection.all) {
    const ticking = selection.all.checked;
    (ticking ? selection.governed : selection.boxes).forEach((box) => { box.checked = ticking; });
  }
  showSelection(form);
});
document.addEventListener("submit", (event) => {
  const selection = selectionOf(event.target);
  if (!selection || selection.boxes.some((box) => box.checked)) return;
  event.preventDefault();
  const nothing = event.target.querySelector("[data-nothing-selected]");
  if (nothing) nothing.hidden = false;
});

// A section of a long review (data-section) with its own box (data-select-section): ticks or unticks the
// boxes of the section's kept rows (data-kept), then the form's count follows.
document.addEventListener("change", (event) => {
  const box = event.target.closest("[data-select-section]");
  if (!box) return;
  const kept = box.closest("[data-section]").querySelector("[data-kept]");
  kept.querySelectorAll('input[type=checkbox][name="selected"]').forEach((row) => { row.checked = box.checked; });
  showSelection(box.form);
});

// The cockpit's meeting-room display fills the screen on request (browsers allow it only after a click).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-fullscreen]") && document.fullscreenEnabled) {
    document.documentElement.requestFullscreen();
  }
});

// A select over thousands of rows (core.forms.SearchSelect): what is typed in the box above it is sent to
// the page (?choices=NAME&find=WORDS) and the matching rows replace the select's options, the chosen ones
// kept. The box itself is no filter: its changes and its Enter key stay out of the form.
let choiceSearch = null;
async function findChoices(box) {
  const wrapper = box.closest("[data-choices]");
  const select = wrapper.querySelector("select");
  const status = wrapper.querySelector("[data-choice-status]");
  const words = box.value.trim();
  const url = new URL(box.form ? box.form.action : window.location.href);
  url.searchParams.set("choices", wrapper.dataset.choices);
  url.searchParams.set("find", words);
  let data;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(response.status);
    data = await response.json();
  } catch {
    status.textContent = box.dataset.failed;
    return;
  }
  if (box.value.trim() !== words) return; // a later search is on its way
  [...select.options].forEach((option) => { if (option.value !== "" && !option.selected) option.remove(); });
  const kept = new Set([...select.options].map((option) => option.value));
  data.options.forEach(({ value, label }) => { if (!kept.has(value)) select.add(new Option(label, value)); });
  status.textContent = data.options.length === 0 ? box.dataset.none : data.more ? box.dataset.more : "";
  if (!select.multiple) select.size = Math.min(Math.max(select.options.length, 2), 8);
}
document.addEventListener("input", (event) => {
  if (!event.target.matches("[data-choice-search]")) return;
  clearTimeout(choiceSearch);
  choiceSearch = setTimeout(() => findChoices(event.target), 250);
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !event.target.matches("[data-choice-search]")) return;
  event.preventDefault();
  clearTimeout(choiceSearch);
  findChoices(event.target);
});
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-choice-search]")) event.stopPropagation();
  else if (event.target.matches("[data-choices] select:not([multiple])")) event.target.size = 1;
}, true);
