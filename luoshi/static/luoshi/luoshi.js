// Small behaviours the pages share; no inline scripts, so the Content-Security-Policy stays strict.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
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
  lists(el, data) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
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
    const source = document.getElementById("chart-" + el.dataset.chart);
    if (!source || el.dataset.drawn) return;
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(charts[el.dataset.chart](el, JSON.parse(source.textContent)));
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
