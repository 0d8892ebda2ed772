// API keys: make scoped keys (shown once), list them, revoke them. Needs the admin scope.
import { api } from "./api.js";
import { ago, attempt, confirmAction, field, h, table, toast } from "./dom.js";

const SCOPES = ["sessions:read", "sessions:manage", "messages:send", "webhooks:manage", "admin"];

export function keysView(root) {
  const list = h("div");
  const shown = h("div", { "aria-live": "polite" });
  const scopes = h(
    "fieldset",
    {},
    h("legend", {}, "Scopes"),
    SCOPES.map((s) => h("label", { class: "check" }, h("input", { type: "checkbox", name: "scope", value: s }), " ", s)),
  );
  const form = h(
    "form",
    { class: "card", "aria-label": "New API key" },
    h("div", { class: "row" }, field("key-name", "Name", { required: true, maxlength: 100, autocomplete: "off" }), field("key-sessions", "Only these sessions (comma-separated; empty: all)", { autocomplete: "off" })),
    scopes,
    h("button", { type: "submit" }, "Create key"),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const chosen = [...form.querySelectorAll("input[name=scope]:checked")].map((i) => i.value);
    if (chosen.length === 0) return toast("Choose at least one scope", true);
    const sessions = form.querySelector("#key-sessions").value.split(",").map((s) => s.trim()).filter(Boolean);
    const body = { name: form.querySelector("#key-name").value.trim(), scopes: chosen, ...(sessions.length > 0 && { sessions }) };
    const created = await attempt(() => api("/api/v1/api-keys", { method: "POST", body }), "Key created");
    if (!created) return;
    form.reset();
    shown.replaceChildren(
      h("div", { class: "card" }, h("p", {}, "Copy the key now: it is shown only this once (only its hash is kept)."), h("code", { class: "secret", "data-new-key": "" }, created.data.key)),
    );
    await load();
  });
  root.append(h("h1", {}, "API keys"), h("p", { class: "muted" }, "Scoped keys for integrators and tenants. The admin key (API_KEY) is not listed."), form, shown, h("h2", {}, "Keys"), list);

  const revoke = async (k) => {
    if (!(await confirmAction(`Revoke ${k.name} (${k.prefix}…)? Requests with it are refused at once.`, "Revoke"))) return;
    await attempt(() => api(`/api/v1/api-keys/${encodeURIComponent(k.id)}`, { method: "DELETE" }), "Key revoked");
    await load();
  };
  async function load() {
    const { data } = await api("/api/v1/api-keys");
    list.replaceChildren(
      table(
        ["Name", "Key", "Scopes", "Sessions", "Created", ""],
        data.map((k) =>
          h(
            "tr",
            { "data-key": k.id },
            h("td", {}, k.name),
            h("td", {}, h("code", {}, `${k.prefix}…`)),
            h("td", {}, k.scopes.join(", ")),
            h("td", {}, k.sessions ? k.sessions.join(", ") : "all"),
            h("td", {}, ago(k.createdAt)),
            h("td", {}, k.revokedAt ? `revoked ${ago(k.revokedAt)}` : h("button", { type: "button", class: "danger", onclick: () => revoke(k) }, `Revoke ${k.name}`)),
          ),
        ),
        "No scoped keys yet.",
      ),
    );
  }
  attempt(load);
}
