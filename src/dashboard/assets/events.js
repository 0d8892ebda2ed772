// One live SSE connection for the whole page: views subscribe to it, and the tail keeps the last events.
import { streamEvents } from "./api.js";
import { field, h } from "./dom.js";

const KEEP = 500;

export const liveEvents = {
  recent: [],
  listeners: new Set(),
  state: "connecting",
  controller: null,
  start() {
    this.stop();
    this.controller = new AbortController();
    void streamEvents("/api/v1/events/stream", (event) => this.push(event), this.controller.signal, (state) => this.setState(state));
  },
  stop() {
    this.controller?.abort();
    this.controller = null;
    this.recent = [];
  },
  push(event) {
    this.recent.push(event);
    if (this.recent.length > KEEP) this.recent.shift();
    for (const fn of this.listeners) fn(event);
  },
  setState(state) {
    this.state = state;
    for (const fn of this.listeners) fn(null);
  },
  /** fn(event) for each new event, fn(null) when the connection state changes; returns the unsubscribe. */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  },
};

function describe(event) {
  const d = event.data ?? {};
  if (d.status) return `${d.status}${d.phoneNumber ? ` ${d.phoneNumber}` : ""}${d.to ? ` → ${d.to}` : ""}`;
  if (d.connection) return `connection ${d.connection}`;
  if (Array.isArray(d.messages)) return d.messages.map((m) => m.message?.conversation ?? m.message?.extendedTextMessage?.text ?? "(message)").join(" | ");
  return JSON.stringify(d).slice(0, 160);
}

export function eventsView(root) {
  const session = field("filter-session", "Session", { placeholder: "any", autocomplete: "off" });
  const type = field("filter-type", "Type", { placeholder: "any, e.g. messages.upsert", autocomplete: "off", list: "event-types" });
  const types = h("datalist", { id: "event-types" });
  const state = h("p", { class: "muted", "aria-live": "polite" });
  const log = h("ol", { class: "log", "aria-label": "Live events, newest first" });
  root.append(h("h1", {}, "Events"), h("div", { class: "card" }, h("div", { class: "row" }, session, type), types, state), log);

  const matches = (event) => {
    const s = root.querySelector("#filter-session").value.trim();
    const t = root.querySelector("#filter-type").value.trim();
    return (!s || event.sessionId === s) && (!t || event.event.startsWith(t));
  };
  const row = (event) =>
    h("li", { "data-event": event.event }, h("time", { datetime: new Date(event.timestamp * 1000).toISOString() }, new Date(event.timestamp * 1000).toLocaleTimeString()), " ", h("span", { class: "type" }, event.event), " ", event.sessionId ?? "", " ", describe(event));
  const redraw = () => {
    log.replaceChildren(...liveEvents.recent.filter(matches).reverse().map(row));
    types.replaceChildren(...[...new Set(liveEvents.recent.map((e) => e.event))].map((t) => h("option", { value: t })));
  };
  const showState = () => (state.textContent = liveEvents.state === "live" ? `Live: ${liveEvents.recent.length} events since this tab signed in.` : `Stream ${liveEvents.state}…`);
  root.querySelector("#filter-session").addEventListener("input", redraw);
  root.querySelector("#filter-type").addEventListener("input", redraw);
  redraw();
  showState();
  return liveEvents.subscribe((event) => {
    showState();
    if (event) redraw();
  });
}
