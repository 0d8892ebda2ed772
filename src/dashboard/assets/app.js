// The shell: sign-in, the hash router, the sandbox banner, and the one live event stream every view shares.
import { api, auth } from "./api.js";
import { toast } from "./dom.js";
import { liveEvents, eventsView } from "./events.js";
import { keysView } from "./keys.js";
import { queuesView } from "./queues.js";
import { sandboxView } from "./sandbox.js";
import { sessionView } from "./session.js";
import { sessionsView } from "./sessions.js";
import { webhooksView } from "./webhooks.js";
import { workersView } from "./workers.js";

const routes = [
  [/^#\/sessions\/([^/]+)$/, sessionView, "sessions"],
  [/^#\/sessions$/, sessionsView, "sessions"],
  [/^#\/workers$/, workersView, "workers"],
  [/^#\/queues$/, queuesView, "queues"],
  [/^#\/events$/, eventsView, "events"],
  [/^#\/webhooks$/, webhooksView, "webhooks"],
  [/^#\/keys$/, keysView, "keys"],
  [/^#\/sandbox$/, sandboxView, "sandbox"],
];

const $ = (id) => document.getElementById(id);
let ctx = null;
let cleanup = () => {};

async function signIn(key) {
  auth.set(key);
  try {
    const { data } = await api("/api/v1/dashboard/info");
    ctx = { info: data };
  } catch (err) {
    auth.clear();
    throw err;
  }
  $("sign-in").hidden = true;
  $("nav").hidden = false;
  $("sign-out").hidden = false;
  $("sandbox-banner").hidden = !ctx.info.sandbox;
  $("nav-sandbox").hidden = !ctx.info.sandbox;
  liveEvents.start();
  if (!location.hash || location.hash === "#/") location.hash = "#/sessions";
  else render();
}

function signOut(message) {
  auth.clear();
  ctx = null;
  liveEvents.stop();
  cleanup();
  cleanup = () => {};
  $("view").replaceChildren();
  $("nav").hidden = true;
  $("sign-out").hidden = true;
  $("nav-sandbox").hidden = true;
  $("sandbox-banner").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-error").textContent = message ?? "";
  $("api-key").focus();
}

function render() {
  if (!ctx) return;
  cleanup();
  cleanup = () => {};
  const hash = location.hash || "#/sessions";
  const view = $("view");
  view.replaceChildren();
  for (const [pattern, show, section] of routes) {
    const m = pattern.exec(hash);
    if (!m) continue;
    for (const a of document.querySelectorAll("#nav a")) {
      if (a.getAttribute("href") === `#/${section}`) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    cleanup = show(view, ctx, ...m.slice(1).map(decodeURIComponent)) ?? (() => {});
    // Move focus to the new content so keyboard and screen-reader users land on it.
    $("main").focus({ preventScroll: true });
    return;
  }
  location.hash = "#/sessions";
}

$("sign-in-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const button = e.target.querySelector("button");
  button.disabled = true;
  try {
    await signIn($("api-key").value.trim());
    $("api-key").value = "";
  } catch (err) {
    $("sign-in-error").textContent = err.status === 401 ? "That API key was refused." : `Could not sign in: ${err.message}`;
  } finally {
    button.disabled = false;
  }
});
$("sign-out").addEventListener("click", () => signOut());
window.addEventListener("unauthorized", () => ctx && signOut("The API key was refused; sign in again."));
window.addEventListener("hashchange", render);

const saved = auth.get();
if (saved) signIn(saved).catch(() => signOut("The saved API key was refused; sign in again."));
else signOut();
window.addEventListener("error", (e) => toast(e.message, true));
