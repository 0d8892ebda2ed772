// Webhook subscriptions, and the dead letters with a redeliver button.
import { api } from "./api.js";
import { ago, attempt, h, table } from "./dom.js";

export function webhooksView(root) {
  const subs = h("div");
  const dead = h("div");
  root.append(h("h1", {}, "Webhooks"), h("h2", {}, "Subscriptions"), subs, h("h2", {}, "Dead letters"), h("p", { class: "muted" }, "Deliveries whose retries ran out."), dead);
  const load = async () => {
    const [{ data: subscriptions }, { data: letters }] = await Promise.all([api("/api/v1/webhooks/subscriptions"), api("/api/v1/webhooks/deliveries?status=dead&limit=100")]);
    subs.replaceChildren(
      table(
        ["URL", "Events", "Enabled"],
        subscriptions.map((s) => h("tr", {}, h("td", {}, h("code", {}, s.url)), h("td", {}, s.events.join(", ")), h("td", {}, s.enabled ? "yes" : "no"))),
        "No subscriptions (WEBHOOK_URL, if set, is listed here as the global one).",
      ),
    );
    dead.replaceChildren(
      table(
        ["Event", "Target", "Last error", ""],
        letters.map((d) =>
          h(
            "tr",
            { "data-delivery": d.id },
            h("td", {}, d.type, h("div", { class: "muted" }, d.sessionId ?? "", " ", ago(d.lastAttemptAt ?? d.createdAt))),
            h("td", {}, h("code", {}, d.target)),
            h("td", {}, d.lastStatusCode ? `HTTP ${d.lastStatusCode} ` : "", d.lastError ?? ""),
            h("td", {}, h("button", { type: "button", class: "secondary", onclick: () => attempt(() => api(`/api/v1/webhooks/deliveries/${encodeURIComponent(d.id)}/redeliver`, { method: "POST" }), "Queued for redelivery").then(load) }, "Redeliver")),
          ),
        ),
        "No dead letters.",
      ),
    );
  };
  attempt(load);
}
