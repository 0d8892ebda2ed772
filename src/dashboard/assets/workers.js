// Workers: status, sessions against capacity, CPU and memory sparklines, seconds since the heartbeat, drain/undrain.
import { api } from "./api.js";
import { attempt, badge, confirmAction, h, table } from "./dom.js";

const POLL_MS = 5000;
const WINDOW_MS = 15 * 60_000;
const SVG = "http://www.w3.org/2000/svg";

/** A small line chart of the values (oldest first), scaled to their own maximum. */
function sparkline(values, colour, label) {
  const w = 90;
  const hgt = 24;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("width", w);
  svg.setAttribute("height", hgt);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  if (values.length > 1) {
    const max = Math.max(...values, 1e-9);
    const points = values.map((v, i) => `${((i / (values.length - 1)) * (w - 2) + 1).toFixed(1)},${(hgt - 1 - (v / max) * (hgt - 2)).toFixed(1)}`);
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("stroke", colour);
    svg.append(line);
  }
  return svg;
}

const fmt = (v) => (typeof v === "number" ? v.toFixed(1) : "—");

export function workersView(root) {
  const list = h("div");
  root.append(h("h1", {}, "Workers"), list);
  const load = async () => {
    const { data } = await api("/api/v1/workers");
    const since = new Date(Date.now() - WINDOW_MS).toISOString();
    const metrics = await Promise.all(data.map((w) => api(`/api/v1/workers/${encodeURIComponent(w.workerId)}/metrics?limit=100&since=${encodeURIComponent(since)}`).then((r) => r.data, () => [])));
    list.replaceChildren(
      table(
        ["Worker", "Status", "Sessions / capacity", "CPU", "Memory", "Heartbeat", ""],
        data.map((w, i) => {
          const rows = metrics[i] ?? [];
          const cpu = rows.map((m) => m.cpuUsage ?? 0);
          const mem = rows.map((m) => m.memoryUsage ?? 0);
          return h(
            "tr",
            { "data-worker": w.workerId },
            h("td", {}, w.workerId, h("div", { class: "muted" }, w.endpoint ?? "")),
            h("td", {}, badge(w.status)),
            h("td", { class: "num" }, `${w.assignedSessions ?? w.currentSessions} / ${w.maxSessions}`),
            h("td", { class: "num" }, sparkline(cpu, "#1a5fb4", `CPU over the last 15 minutes, now ${fmt(w.lastMetrics?.cpuUsage)}`), " ", fmt(w.lastMetrics?.cpuUsage)),
            h("td", { class: "num" }, sparkline(mem, "#0b6b50", `Memory over the last 15 minutes, now ${fmt(w.lastMetrics?.memoryUsage)}`), " ", fmt(w.lastMetrics?.memoryUsage)),
            h("td", { class: "num" }, w.secondsSinceHeartbeat === null || w.secondsSinceHeartbeat === undefined ? "—" : `${w.secondsSinceHeartbeat} s ago`),
            h("td", {}, drainButton(w, load)),
          );
        }),
        "No workers registered.",
      ),
    );
  };
  const refresh = () => attempt(load);
  refresh();
  const timer = setInterval(refresh, POLL_MS);
  return () => clearInterval(timer);
}

/** Drain moves an ONLINE worker's sessions to the others; undrain takes a MAINTENANCE worker back. */
function drainButton(w, load) {
  const action = w.status === "ONLINE" ? "drain" : w.status === "MAINTENANCE" ? "undrain" : null;
  if (!action) return "";
  const question = action === "drain" ? `Drain ${w.workerId}? Its sessions move to other workers and it takes no new ones.` : `Undrain ${w.workerId}? It takes sessions again.`;
  const label = action === "drain" ? "Drain" : "Undrain";
  return h("button", {
    type: "button",
    class: "secondary",
    onclick: async () => {
      if (await confirmAction(question, label)) await attempt(() => api(`/api/v1/workers/${encodeURIComponent(w.workerId)}/${action}`, { method: "POST" }), `${label} queued`).then(load);
    },
  }, label);
}
