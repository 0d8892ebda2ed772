// Sandbox helpers: scan a pending QR with a simulated phone, and send an incoming message from a simulated contact.
import { api, ApiError } from "./api.js";
import { attempt, field, h } from "./dom.js";

/** The simulated phone for a session, created the first time (one phone number per session, like a real shop). */
async function phoneFor(sessionId) {
  const name = `Phone of ${sessionId}`;
  const accounts = await api("/sim/accounts");
  return accounts.find((a) => a.name === name) ?? (await api("/sim/accounts", { method: "POST", body: { name } }));
}

const currentQr = async (sessionId) => (await api(`/api/v1/sessions/${encodeURIComponent(sessionId)}/qr`)).data.qr;

/**
 * Like a phone held to the screen: today's WhatsApp refreshes the companion's registration at the first
 * scan ("Couldn't link device", 409), the page shows the re-rendered QR, and the phone scans that one.
 */
export async function scanWithSimulatedPhone(sessionId) {
  const phone = await phoneFor(sessionId);
  let qr = await currentQr(sessionId);
  for (let scans = 1; ; scans++) {
    try {
      await api("/sim/pairings/scan", { method: "POST", body: { phone: phone.phone, qr } });
      return phone;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 409 || scans >= 4) throw error;
    }
    const refused = qr;
    for (let waited = 0; qr === refused && waited < 50; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      qr = await currentQr(sessionId);
    }
  }
}

export function scanButton(sessionId, after = () => {}) {
  const button = h("button", { type: "button", class: "secondary", "aria-label": `Scan the QR of ${sessionId} with the simulated phone` }, "Scan with the simulated phone");
  button.addEventListener("click", async () => {
    button.disabled = true;
    const phone = await attempt(() => scanWithSimulatedPhone(sessionId));
    if (phone) after(phone);
    button.disabled = false;
  });
  return button;
}

export function sandboxView(root, ctx) {
  if (!ctx.info.sandbox) {
    root.append(h("h1", {}, "Sandbox"), h("p", {}, "This gateway is not running with --sandbox."));
    return;
  }
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "incoming-title" },
    h("h2", { id: "incoming-title" }, "Send an incoming message"),
    h("p", { class: "muted" }, "A simulated contact sends a text to one of your connected sessions."),
    h("label", { for: "incoming-session" }, "To session"),
    h("select", { id: "incoming-session", required: true }),
    h("div", { class: "row" }, field("incoming-contact", "Contact name", { value: "Contact", required: true, autocomplete: "off" })),
    h("label", { for: "incoming-text" }, "Message"),
    h("input", { id: "incoming-text", required: true, value: "Hello from a simulated contact" }),
    h("div", { class: "row" }, h("button", { type: "submit" }, "Send to the session")),
  );
  const select = form.querySelector("#incoming-session");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const to = select.value;
    const name = form.querySelector("#incoming-contact").value.trim();
    const text = form.querySelector("#incoming-text").value;
    await attempt(async () => {
      const accounts = await api("/sim/accounts");
      const contact = accounts.find((a) => a.name === name) ?? (await api("/sim/accounts", { method: "POST", body: { name } }));
      await api(`/sim/accounts/${contact.phone}/messages/text`, { method: "POST", body: { to, text } });
    }, `${name} sent the message; see it in Events.`);
  });
  root.append(h("h1", {}, "Sandbox"), form);
  attempt(async () => {
    const { data } = await api("/api/v1/sessions?status=connected&limit=100");
    select.replaceChildren(...data.filter((s) => s.phoneNumber).map((s) => h("option", { value: s.phoneNumber }, `${s.sessionId} (+${s.phoneNumber.replace(/^\+/, "")})`)));
    if (data.length === 0) select.append(h("option", { value: "" }, "No connected session"));
  });
}
