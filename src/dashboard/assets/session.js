// One session: the QR that refreshes itself with a countdown, "connected as", pairing code, actions, a test message.
import { api, apiBlob } from "./api.js";
import { ago, attempt, badge, confirmAction, field, h, plus, toast } from "./dom.js";
import { liveEvents } from "./events.js";
import { scanButton } from "./sandbox.js";

const POLL_MS = 2000;

export function sessionView(root, ctx, sessionId) {
  const path = `/api/v1/sessions/${encodeURIComponent(sessionId)}`;
  const status = h("p", { "aria-live": "polite" });
  const link = h("div", { class: "card", "aria-live": "polite" });
  const qrImg = h("img", { id: "qr", alt: `QR code to link ${sessionId}: scan it in WhatsApp, Linked devices` });
  const countdown = h("p", { id: "qr-countdown", class: "muted" });
  let blobUrl = null;
  let shownQrExpiry = null;
  let session = null;

  const act = (label, confirmText, action, ok) =>
    h("button", {
      type: "button",
      class: label === "Delete" ? "danger" : "secondary",
      onclick: async () => {
        if (await confirmAction(confirmText, label)) await attempt(action, ok).then(load);
      },
    }, label);
  const actions = h(
    "div",
    { class: "row" },
    act("Stop", `Stop ${sessionId}? It disconnects and keeps its data; start it again with Restart.`, () => api(`${path}/stop`, { method: "POST" }), "Stopping…"),
    act("Restart", `Restart ${sessionId}?`, () => api("/api/v1/sessions", { method: "POST", body: { sessionId } }), "Starting…"),
    act("Delete", `Delete ${sessionId} for good? It logs out and its data is erased.`, async () => {
      await api(path, { method: "DELETE" });
      location.hash = "#/sessions";
    }, "Deleting…"),
  );

  const pairing = h(
    "form",
    { class: "card", "aria-labelledby": "pairing-title" },
    h("h2", { id: "pairing-title" }, "Or link with a pairing code"),
    h("p", { class: "muted" }, "Enter the number of the phone to link; type the code it gets in WhatsApp → Linked devices → Link with phone number."),
    h("div", { class: "row" }, field("pairing-phone", "Phone number with country code", { required: true, inputmode: "tel", placeholder: "+6281234567890", pattern: "\\+?[0-9]{6,15}" }), h("button", { type: "submit" }, "Get a code")),
  );
  pairing.addEventListener("submit", async (e) => {
    e.preventDefault();
    const phoneNumber = pairing.querySelector("#pairing-phone").value.trim();
    await attempt(() => api(`${path}/pairing-code`, { method: "POST", body: { phoneNumber } }), "Asking for a pairing code…");
  });

  const send = h(
    "form",
    { class: "card", "aria-labelledby": "send-title" },
    h("h2", { id: "send-title" }, "Send a test message"),
    h("div", { class: "row" }, field("send-to", "To (phone number)", { required: true, inputmode: "tel", placeholder: "+6281234567890", autocomplete: "off" })),
    h("div", { class: "row" }, field("send-text", "Text", { required: true, value: "Hello from wa-gateway" }), h("button", { type: "submit" }, "Send")),
    h("p", { id: "send-result", class: "muted", "aria-live": "polite" }),
  );
  send.addEventListener("submit", async (e) => {
    e.preventDefault();
    const to = send.querySelector("#send-to").value.trim();
    const text = send.querySelector("#send-text").value;
    const result = send.querySelector("#send-result");
    const res = await attempt(() => api(`${path}/messages/text`, { method: "POST", body: { to, text } }));
    if (res) await attempt(() => followJob(res.data.jobId, result));
  });

  root.append(h("p", {}, h("a", { href: "#/sessions" }, "← All sessions")), h("h1", {}, `Session ${sessionId}`), status, link, actions, pairing, send);

  async function showQr(s) {
    if (s.qrExpiresAt !== shownQrExpiry) {
      const blob = await apiBlob(`${path}/qr.png`);
      if (blobUrl) URL.revokeObjectURL(blobUrl);
      blobUrl = URL.createObjectURL(blob);
      qrImg.src = blobUrl;
      shownQrExpiry = s.qrExpiresAt;
    }
    if (!link.contains(qrImg)) {
      link.replaceChildren(
        h("h2", {}, "Scan to link"),
        h("div", { class: "qr-box" }, qrImg, h("div", {}, h("p", {}, "Open WhatsApp on the phone → Linked devices → Link a device, and scan this code."), countdown, ctx.info.sandbox ? scanButton(sessionId, load) : "")),
      );
    }
  }

  function showState(s) {
    if (s.status === "connected") {
      link.replaceChildren(h("p", { class: "connected-as", id: "connected-as" }, `Connected as ${plus(s.phoneNumber)}`));
    } else if (s.pairingCode) {
      link.replaceChildren(h("h2", {}, "Pairing code"), h("p", { class: "connected-as" }, h("code", { id: "pairing-code" }, s.pairingCode)), h("p", { class: "muted" }, "Type it on the phone."));
    } else if (!s.hasQr) {
      link.replaceChildren(h("p", { class: "muted" }, s.status === "qr_required" ? "Waiting for a QR code…" : "No QR code pending."));
    }
  }

  async function load() {
    session = (await api(path)).data;
    status.replaceChildren("Status: ", badge(session.status), " · worker ", session.workerId ?? "—", " · last activity ", ago(session.lastActivityAt), session.lastError ? ` · last error: ${session.lastError}` : "");
    if (session.hasQr && session.status !== "connected" && !session.pairingCode) await showQr(session);
    else {
      shownQrExpiry = null;
      showState(session);
    }
  }

  const tick = () => {
    if (!session?.qrExpiresAt || !link.contains(qrImg)) return;
    const left = Math.max(0, Math.round((new Date(session.qrExpiresAt).getTime() - Date.now()) / 1000));
    countdown.textContent = left > 0 ? `This code expires in ${left} s; a new one replaces it by itself.` : "Expired; waiting for the next code…";
  };
  const refresh = () => load().catch((err) => {
    if (err.status === 404) status.textContent = "This session does not exist (deleted?).";
    else toast(err.message, true);
  });
  refresh();
  const timers = [setInterval(refresh, POLL_MS), setInterval(tick, 1000)];
  const unsubscribe = liveEvents.subscribe((event) => {
    if (event?.sessionId === sessionId && (event.event === "session.status" || event.event === "connection.update")) refresh();
  });
  return () => {
    timers.forEach(clearInterval);
    unsubscribe();
    if (blobUrl) URL.revokeObjectURL(blobUrl);
  };
}

/** Shows a job's state until it finishes (or 30 s pass). */
async function followJob(jobId, out) {
  for (let i = 0; i < 30; i++) {
    const { data } = await api(`/api/v1/jobs/${encodeURIComponent(jobId)}`);
    out.textContent = `Job ${jobId}: ${data.state}${data.failedReason ? ` (${data.failedReason})` : ""}`;
    if (data.state === "completed" || data.state === "failed") return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
