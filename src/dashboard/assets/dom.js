// Tiny DOM helpers: build elements without innerHTML, so nothing from the API is ever parsed as markup.

/** h("button", {class: "x", onclick}, "text", child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function toast(message, bad = false) {
  const el = document.getElementById("toast");
  el.textContent = message;
  el.classList.toggle("bad", bad);
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (el.textContent = ""), 5000);
}

/** Runs an action from a button, reporting its failure instead of throwing it away. */
export async function attempt(action, okMessage) {
  try {
    const result = await action();
    if (okMessage) toast(okMessage);
    return result;
  } catch (err) {
    toast(err.message ?? String(err), true);
    return undefined;
  }
}

/** A modal yes/no (a native <dialog>: focus is trapped and Escape cancels). */
export function confirmAction(text, okLabel = "Confirm") {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-ok").textContent = okLabel;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
}

export const badge = (status) => h("span", { class: `badge ${status}` }, status);

export function table(headers, rows, empty = "Nothing yet.") {
  if (rows.length === 0) return h("p", { class: "muted" }, empty);
  return h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))), h("tbody", {}, rows)));
}

export function ago(iso) {
  if (!iso) return "—";
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return new Date(iso).toLocaleString();
}

export const plus = (phone) => (phone ? (phone.startsWith("+") ? phone : `+${phone}`) : "—");

/** A labelled input (the label names it for screen readers and for tests). */
export function field(id, label, attrs = {}) {
  return h("div", { class: "grow" }, h("label", { for: id }, label), h("input", { id, name: id, ...attrs }));
}
