// The sessions list with live status, and the create form.
import { api } from "./api.js";
import { ago, attempt, badge, field, h, plus, table } from "./dom.js";
import { liveEvents } from "./events.js";
import { scanButton } from "./sandbox.js";

const POLL_MS = 5000;

export function sessionsView(root, ctx) {
  const list = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "create-title" },
    h("h2", { id: "create-title" }, "Create a session"),
    h("div", { class: "row" }, field("new-session-id", "Session ID", { required: true, pattern: "[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}", placeholder: "shop", autocomplete: "off" }), h("button", { type: "submit" }, "Create")),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const sessionId = form.querySelector("#new-session-id").value.trim();
    const done = await attempt(() => api("/api/v1/sessions", { method: "POST", body: { sessionId } }), `Starting ${sessionId}…`);
    if (done) location.hash = `#/sessions/${encodeURIComponent(sessionId)}`;
  });
  root.append(h("h1", {}, "Sessions"), form, h("h2", {}, "All sessions"), list);

  const load = async () => {
    const { data } = await api("/api/v1/sessions?limit=100");
    list.replaceChildren(
      table(
        ["Session", "Status", "Phone", h("span", { class: "hide-narrow" }, "Worker"), h("span", { class: "hide-narrow" }, "Last activity"), ""],
        data.map((s) =>
          h(
            "tr",
            { "data-session": s.sessionId },
            h("td", {}, h("a", { href: `#/sessions/${encodeURIComponent(s.sessionId)}` }, s.sessionId)),
            h("td", {}, badge(s.status)),
            h("td", {}, plus(s.phoneNumber)),
            h("td", { class: "hide-narrow" }, s.workerId ?? "—"),
            h("td", { class: "hide-narrow" }, ago(s.lastActivityAt)),
            h("td", {}, ctx.info.sandbox && s.hasQr ? scanButton(s.sessionId, load) : ""),
          ),
        ),
        "No sessions yet: create one above.",
      ),
    );
  };
  const refresh = () => attempt(load);
  refresh();
  const timer = setInterval(refresh, POLL_MS);
  const unsubscribe = liveEvents.subscribe((event) => {
    if (event && (event.event === "session.status" || event.event === "connection.update")) refresh();
  });
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
