// The dashboard's browser files, embedded in the binary as text so the page works with no network.
// tsconfig "paths" maps dashboard-assets/* to ./assets/*.
import index from "dashboard-assets/index.html" with { type: "text" };
import api from "dashboard-assets/api.js" with { type: "text" };
import app from "dashboard-assets/app.js" with { type: "text" };
import css from "dashboard-assets/app.css" with { type: "text" };
import dom from "dashboard-assets/dom.js" with { type: "text" };
import events from "dashboard-assets/events.js" with { type: "text" };
import keys from "dashboard-assets/keys.js" with { type: "text" };
import queues from "dashboard-assets/queues.js" with { type: "text" };
import sandbox from "dashboard-assets/sandbox.js" with { type: "text" };
import session from "dashboard-assets/session.js" with { type: "text" };
import sessions from "dashboard-assets/sessions.js" with { type: "text" };
import webhooks from "dashboard-assets/webhooks.js" with { type: "text" };
import workers from "dashboard-assets/workers.js" with { type: "text" };

const JS = "text/javascript; charset=utf-8";

export const INDEX_HTML = index;

/**
 * What /dashboard/<name> serves: the ES modules and the stylesheet the page loads. A Map, not an object
 * literal, because the name comes from the URL and an object would also answer "constructor", "__proto__"
 * and the rest of Object.prototype.
 */
export const ASSETS: ReadonlyMap<string, { body: string; type: string }> = new Map(Object.entries({
  "app.css": { body: css, type: "text/css; charset=utf-8" },
  "api.js": { body: api, type: JS },
  "app.js": { body: app, type: JS },
  "dom.js": { body: dom, type: JS },
  "events.js": { body: events, type: JS },
  "keys.js": { body: keys, type: JS },
  "queues.js": { body: queues, type: JS },
  "sandbox.js": { body: sandbox, type: JS },
  "session.js": { body: session, type: JS },
  "sessions.js": { body: sessions, type: JS },
  "webhooks.js": { body: webhooks, type: JS },
  "workers.js": { body: workers, type: JS },
}));
