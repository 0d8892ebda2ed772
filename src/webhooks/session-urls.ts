import type { Database } from "bun:sqlite";

/** The per-session webhook URLs, kept in the shared sessions table (set when a session is created, or later). */
export class SessionWebhookUrls {
  private readonly statements;

  constructor(private readonly sqlite: Database) {
    this.statements = {
      url: sqlite.query<{ url: string | null }, [string]>("SELECT webhook_url AS url FROM sessions WHERE id = ?"),
      set: sqlite.query<{ id: string }, [string | null, number, string]>("UPDATE sessions SET webhook_url = ?, updated_at = ? WHERE id = ? AND status <> 'deleted' RETURNING id"),
      clear: sqlite.query<never, [number, string, string]>("UPDATE sessions SET webhook_url = NULL, updated_at = ? WHERE id = ? AND webhook_url = ?"),
    };
  }

  urlOf(sessionId: string): string | null {
    return this.statements.url.get(sessionId)?.url ?? null;
  }

  /** Which of these sessions have a webhook URL. */
  withUrl(sessionIds: string[]): Set<string> {
    if (sessionIds.length === 0) return new Set();
    const rows = this.sqlite
      .query<{ id: string }, string[]>(`SELECT id FROM sessions WHERE webhook_url IS NOT NULL AND id IN (${sessionIds.map(() => "?").join(",")})`)
      .all(...sessionIds);
    return new Set(rows.map((r) => r.id));
  }

  /** Sets or clears a session's URL; false if there is no such (live) session. */
  set(sessionId: string, url: string | null, now: number): boolean {
    return this.statements.set.get(url, now, sessionId) !== null;
  }

  /** The receiver answered 410 Gone: forget the URL, unless it was changed meanwhile. */
  clearGone(sessionId: string, url: string, now: number): void {
    this.statements.clear.run(now, sessionId, url);
  }
}
