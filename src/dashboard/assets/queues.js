// Queues: counts of whatsapp-jobs and the webhook delivery queue; failed jobs with their reasons, retry and remove.
import { api } from "./api.js";
import { attempt, confirmAction, h, table } from "./dom.js";

const POLL_MS = 5000;

export function queuesView(root) {
  const counts = h("div");
  const failed = h("div");
  root.append(h("h1", {}, "Queues"), counts, h("h2", {}, "Failed jobs"), failed);
  const load = async () => {
    const { data } = await api("/api/v1/queues");
    counts.replaceChildren(
      table(
        ["Queue", "Waiting", "Active", "Delayed", "Failed"],
        data.map((q) => h("tr", { "data-queue": q.name }, h("th", { scope: "row" }, q.name), ...["waiting", "active", "delayed", "failed"].map((k) => h("td", { class: "num", "data-count": k }, q.counts[k])))),
      ),
    );
    const lists = await Promise.all(data.map((q) => api(`/api/v1/queues/${q.name}/failed?limit=50`).then((r) => r.data.map((j) => ({ ...j, queue: q.name })))));
    const jobs = lists.flat();
    const jobPath = (j) => `/api/v1/queues/${j.queue}/jobs/${encodeURIComponent(j.jobId)}`;
    failed.replaceChildren(
      table(
        ["Job", "Reason", "Attempts", ""],
        jobs.map((j) =>
          h(
            "tr",
            { "data-job": j.jobId },
            h("td", {}, h("strong", {}, j.name), h("div", { class: "muted" }, `${j.queue}${j.sessionId ? ` · ${j.sessionId}` : ""}`), h("code", { class: "muted" }, j.jobId)),
            h("td", {}, j.failedReason),
            h("td", { class: "num" }, j.attemptsMade),
            h(
              "td",
              {},
              h("div", { class: "row" },
                h("button", { type: "button", class: "secondary", onclick: () => attempt(() => api(`${jobPath(j)}/retry`, { method: "POST" }), "Retrying").then(load) }, "Retry"),
                h("button", {
                  type: "button",
                  class: "danger",
                  onclick: async () => {
                    if (await confirmAction(`Remove failed job ${j.name} ${j.jobId}?`, "Remove")) await attempt(() => api(jobPath(j), { method: "DELETE" }), "Removed").then(load);
                  },
                }, "Remove"),
              ),
            ),
          ),
        ),
        "No failed jobs.",
      ),
    );
  };
  const refresh = () => attempt(load);
  refresh();
  const timer = setInterval(refresh, POLL_MS);
  return () => clearInterval(timer);
}
