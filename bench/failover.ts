/**
 * bench:failover — a cluster (one coordinator, worker processes, one
 * redis-server, the compiled binary throughout) against the in-process
 * WhatsApp simulator, with steady SEND_TEXT traffic through the API from
 * start to end. In order:
 *
 * 1. Rebalance: one worker with 100 sessions; a second joins; until 50/50,
 *    and how long any session's device was offline at the simulator.
 * 2. A third worker joins and 50 more sessions are linked (150 on 3); one
 *    session moved alone through the operator API: the handoff baseline.
 * 3. SIGKILL of the most loaded worker, 30 ms after a burst of one text
 *    per session on it: until all its sessions are connected elsewhere. The killed worker then restarts and gets back
 *    its share through operator moves.
 * 4. SIGTERM of the most loaded worker (after the same burst): the same.
 * 5. Every job submitted is followed to completed or failed, and every
 *    completed message is looked for on the recipient's phone.
 *
 * "Connected elsewhere" is read from the coordinator's own records: the
 * placement history and the ledger's session_connected report from the new
 * owner (its clock, and when the coordinator stored it: from then on the
 * API says connected). The simulator's side is polled every 20 ms in process.
 *
 * Usage: bun run bench:failover [--sessions=150] [--rebalance-sessions=100] [--rate=20]
 *   [--lease-ttl=6s] [--link-concurrency=8]
 */
import { loadavg } from "node:os";
import { duration } from "../src/config/parsers.ts";
import { placements, type Placements } from "../tests/cluster/support/cluster-checks.ts";
import type { GatewayProcess } from "../tests/support/gateway-process.ts";
import { WorkerWorld } from "../tests/worker/support/worker-world.ts";
import { DeviceWatch } from "./failover/device-watch.ts";
import { handoffsSince, type Handoff } from "./failover/handoffs.ts";
import { Traffic } from "./failover/traffic.ts";
import { percentile } from "./support/percentile.ts";
import { pool } from "./support/pool.ts";

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const SESSIONS = Number(arg("sessions", "150"));
const REBALANCE_SESSIONS = Number(arg("rebalance-sessions", "100"));
const RATE = Number(arg("rate", "20"));
const LEASE_TTL = arg("lease-ttl", "6s");
const LEASE_MS = duration(LEASE_TTL);
const LINK_CONCURRENCY = Number(arg("link-concurrency", "8"));
const CONTACTS = 10;
/** The coordinator's default --rebalance-rate, which this bench keeps. */
const REBALANCE_PER_MINUTE = 120;
const WATCH_MS = 20;
/** How long before a kill the burst of one text per victim session is submitted. */
const BURST_LEAD_MS = 30;
// The product's defaults but for capacity: each worker can take a dead peer's share.
const FLAGS = ["--log-level=info", "--heartbeat-interval=10s", "--reconnect-base-delay=1s", `--lease-ttl=${LEASE_TTL}`, `--max-sessions=${SESSIONS}`];

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 23)}] ${line}`);

const build = Bun.spawnSync([process.execPath, "scripts/build.ts"], { cwd: `${import.meta.dir}/..`, stdio: ["ignore", "ignore", "inherit"] });
if (build.exitCode !== 0) throw new Error("bun run build failed");

const loadAtStart = load();
const world = await WorkerWorld.start({ seed: "bench-failover", split: true, workers: 1, binary: true, args: FLAGS });
process.on("SIGINT", () => void world.stop().then(() => process.exit(130)));
const watch = new DeviceWatch(world.sim, WATCH_MS);
const traffic = new Traffic(world, RATE);

// ---- helpers --------------------------------------------------------------------------------------------------

const online = (map: Placements) => map.workers.filter((w) => w.status === "ONLINE");
const mostLoaded = (map: Placements) => online(map).reduce((a, b) => (b.sessions.length > a.sessions.length ? b : a));
const spread = (map: Placements) => online(map).map((w) => `${w.workerId} ${w.sessions.length}`).join(", ");

const contacts = Array.from({ length: CONTACTS }, (_, i) => world.sim.control.createAccount({ name: `Contact ${i}` }));
/** Links sessions f<from>..f<to - 1> through the API (QR scanned by new simulated phones), then watches them and sends from them. */
const linkRange = (from: number, to: number) =>
  pool(from, to, LINK_CONCURRENCY, async (i) => {
    const sessionId = `f${i}`;
    const { phone } = await world.link(sessionId);
    watch.track(sessionId, phone);
    traffic.add(sessionId, contacts[i % CONTACTS]!);
  });

/** One text from each session just before its worker is signalled, so jobs are queued and running on it. */
const inFlightOn = async (sessionIds: string[]) => {
  traffic.burst(sessionIds);
  await Bun.sleep(BURST_LEAD_MS);
};

/** Waits until each session has moved since `since` and its new owner's session_connected is stored. */
const connectedElsewhere = (sessionIds: string[], since: number, timeoutMs = 120_000) =>
  world.until(`${sessionIds.length} sessions connected elsewhere`, () => {
    const moves = handoffsSince(world, sessionIds, since);
    return moves.length === sessionIds.length && moves.every((m) => m.apiConnectedAt !== undefined) ? moves : undefined;
  }, timeoutMs);

/** The layout once the rebalancer has nothing left to do: unchanged for 5 s, at most one apart (or 90 s passed). */
const settledLayout = async (): Promise<Placements> => {
  const deadline = Date.now() + 90_000;
  let last = "";
  let since = Date.now();
  for (;;) {
    const map = await placements(world);
    const counts = online(map).map((w) => w.sessions.length);
    const now = spread(map);
    if (now !== last) [last, since] = [now, Date.now()];
    if ((Date.now() - since >= 5_000 && Math.max(...counts) - Math.min(...counts) <= 1) || Date.now() > deadline) return map;
    await Bun.sleep(250);
  }
};

/**
 * Milliseconds from each move's origin (the kill, say) to one of its steps, at p50 and p100 (the last
 * session); NaN if any session lacks the step, unless `optional` (then over those that have it).
 */
const step = (moves: Handoff[], origin: (m: Handoff) => number, pick: (m: Handoff) => number | undefined, optional = false) => {
  const times = moves.map((m) => {
    const at = pick(m);
    return at === undefined ? Number.NaN : at - origin(m);
  });
  if (optional) times.splice(0, times.length, ...times.filter((t) => !Number.isNaN(t)));
  if (times.length === 0 || times.some(Number.isNaN)) return { p50: Number.NaN, p100: Number.NaN };
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p100: times.at(-1) ?? Number.NaN };
};

interface PhaseResult {
  label: string;
  from: string;
  moved: number;
  steps: Record<"placed" | "leaseTaken" | "connected" | "apiConnected" | "simOnline", { p50: number; p100: number }>;
  /** Moved sessions whose device was seen offline (a hand-over quicker than one look is not). */
  seenOffline: number;
  /** Longest outage at the simulator of a moved session, ms. */
  longestOutage: number;
  /** Sessions that did not move but whose devices went offline meanwhile. */
  othersDown: number;
}

/**
 * One phase's moves, step by step. Times run from `t0` (the kill, the move request), or, with
 * `perMove`, from each move's own placement (a rebalance spreads its moves over time).
 */
const analyse = (label: string, from: string, t0: number, moves: Handoff[], perMove = false): PhaseResult => {
  const outages = watch.outagesBetween(t0);
  const moved = new Set(moves.map((m) => m.sessionId));
  const origin = (m: Handoff) => (perMove ? m.placedAt : t0);
  // The device is back when the session's first outage since its move ends.
  const simOnline = (m: Handoff) => outages.find((o) => o.sessionId === m.sessionId && o.from >= origin(m))?.to;
  return {
    label,
    from,
    moved: moves.length,
    steps: {
      placed: step(moves, origin, (m) => m.placedAt),
      leaseTaken: step(moves, origin, (m) => m.leaseTakenAt),
      connected: step(moves, origin, (m) => m.connectedAt),
      apiConnected: step(moves, origin, (m) => m.apiConnectedAt),
      simOnline: step(moves, origin, simOnline, true),
    },
    seenOffline: moves.filter((m) => simOnline(m) !== undefined).length,
    longestOutage: outages.filter((o) => moved.has(o.sessionId)).reduce((max, o) => Math.max(max, (o.to ?? Date.now()) - o.from), 0),
    othersDown: new Set(outages.filter((o) => !moved.has(o.sessionId)).map((o) => o.sessionId)).size,
  };
};

const ms = (n: number) => (Number.isNaN(n) ? "—" : n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

// ---- the run --------------------------------------------------------------------------------------------------

const phases: PhaseResult[] = [];
/** Worker processes killed and started again: their logs still count. */
const replaced: GatewayProcess[] = [];
let rebalance: { sessions: number; balancedFromJoin: number; balancedFromFirstMove: number; lastConnected: number; longestOutage: number; over1s: number; stillDown: number; moves: number } | undefined;
try {
  log(`load ${loadAtStart}; linking ${REBALANCE_SESSIONS} sessions on w1`);
  const linkStarted = Date.now();
  await linkRange(0, REBALANCE_SESSIONS);
  log(`linked in ${((Date.now() - linkStarted) / 1000).toFixed(1)} s; traffic ${RATE}/s starts`);
  watch.start();
  traffic.start();
  await Bun.sleep(3_000);

  // ---- 1. rebalance 1 → 2 workers ----
  const r0 = Date.now();
  const w2 = await world.addWorker();
  log(`${w2.id} up after ${Date.now() - r0} ms; rebalancing`);
  const firstIds = Array.from({ length: REBALANCE_SESSIONS }, (_, i) => `f${i}`);
  const balancedAt = await world.until("the two workers balanced", async () => {
    const counts = online(await placements(world)).map((w) => w.sessions.length);
    return counts.length === 2 && Math.max(...counts) - Math.min(...counts) <= REBALANCE_SESSIONS % 2 ? Date.now() : undefined;
  }, 300_000);
  const movedToW2 = handoffsSince(world, firstIds, r0).map((m) => m.sessionId);
  const rebalanced = await connectedElsewhere(movedToW2, r0);
  await Bun.sleep(1_000);
  {
    const outages = watch.outagesBetween(r0).filter((o) => movedToW2.includes(o.sessionId));
    const lengths = outages.map((o) => (o.to ?? Date.now()) - o.from);
    rebalance = {
      sessions: REBALANCE_SESSIONS,
      moves: rebalanced.length,
      balancedFromJoin: balancedAt - r0,
      balancedFromFirstMove: balancedAt - Math.min(...rebalanced.map((m) => m.placedAt)),
      lastConnected: Math.max(...rebalanced.map((m) => m.apiConnectedAt ?? Number.NaN)) - r0,
      longestOutage: Math.max(0, ...lengths),
      over1s: lengths.filter((l) => l > 1_000).length,
      stillDown: outages.filter((o) => o.to === undefined).length,
    };
    phases.push(analyse(`rebalance 1 → 2 workers (${REBALANCE_SESSIONS} sessions), each move from its placement`, "w1", r0, rebalanced, true));
    log(`balanced after ${rebalance.balancedFromJoin} ms; ${rebalance.moves} moves; longest outage ${rebalance.longestOutage} ms`);
  }

  // ---- 2. three workers, all the sessions ----
  await world.addWorker();
  await linkRange(REBALANCE_SESSIONS, SESSIONS);
  let layout = await settledLayout();
  log(`${SESSIONS} sessions on 3 workers: ${spread(layout)}`);

  // Baseline: one session handed over alone, by the operator API.
  {
    const from = mostLoaded(layout);
    const sessionId = from.sessions[0]!;
    const t0 = Date.now();
    const reply = await world.api<{ to: string }>("POST", `/api/v1/sessions/${sessionId}/move`, {});
    if (reply.status !== 202) throw new Error(`move ${sessionId}: ${reply.status} ${JSON.stringify(reply.body)}`);
    const moves = await connectedElsewhere([sessionId], t0);
    await Bun.sleep(500);
    phases.push(analyse("baseline: one session moved alone (operator API)", from.workerId, t0, moves));
  }

  // ---- 3. SIGKILL ----
  layout = await placements(world);
  const killed = mostLoaded(layout);
  const killedIndex = world.workerIds.indexOf(killed.workerId);
  log(`SIGKILL ${killed.workerId} (${killed.sessions.length} sessions); ${spread(layout)}`);
  await inFlightOn(killed.sessions);
  const k0 = Date.now();
  await world.killWorker(killedIndex, "SIGKILL");
  const failedOver = await connectedElsewhere(killed.sessions, k0);
  await Bun.sleep(1_000);
  phases.push(analyse(`SIGKILL (lease TTL ${LEASE_TTL})`, killed.workerId, k0, failedOver));
  log(`failed over: ${spread(await placements(world))}`);

  // The killed worker comes back; operator moves give it its share again.
  replaced.push(world.workerProcesses[killedIndex]!);
  await world.restartWorker(killedIndex, "SIGKILL");
  await world.until(`${killed.workerId} ONLINE`, async () => (online(await placements(world)).some((w) => w.workerId === killed.workerId) ? true : undefined));
  for (;;) {
    const map = await placements(world);
    const back = online(map).find((w) => w.workerId === killed.workerId)!;
    const high = mostLoaded(map);
    if (high.sessions.length - back.sessions.length <= 1) break;
    await world.api("POST", `/api/v1/sessions/${high.sessions[0]}/move`, { workerId: killed.workerId });
  }
  layout = await settledLayout();
  await world.until("every session connected", () => {
    const db = world.db();
    try {
      return (db.query<{ n: number }, []>("SELECT count(*) AS n FROM sessions WHERE status = 'connected'").get()?.n ?? 0) >= SESSIONS ? true : undefined;
    } finally {
      db.close();
    }
  }, 60_000);
  await Bun.sleep(2_000);
  log(`${killed.workerId} back: ${spread(layout)}`);

  // ---- 4. SIGTERM ----
  const drained = mostLoaded(layout);
  log(`SIGTERM ${drained.workerId} (${drained.sessions.length} sessions)`);
  await inFlightOn(drained.sessions);
  const d0 = Date.now();
  const exited = world.killWorker(world.workerIds.indexOf(drained.workerId), "SIGTERM");
  const handedOver = await connectedElsewhere(drained.sessions, d0);
  const exitCode = await exited;
  await Bun.sleep(1_000);
  phases.push(analyse("SIGTERM", drained.workerId, d0, handedOver));
  log(`handed over; ${drained.workerId} exited ${exitCode} after ${Date.now() - d0} ms`);

  // ---- 5. messages ----
  await Bun.sleep(3_000);
  await traffic.stop();
  watch.stop();
  log(`traffic stopped: ${traffic.submissions.length} submitted; settling`);
  const outcomes = await traffic.settle(180_000);
  const tally = traffic.tally(outcomes);
  const stats = world.sim.control.stats();
  const simErrors = world.sim.control.errors();

  // ---- report ----
  console.log(`\nbench:failover — coordinator + workers (compiled binary, ${FLAGS.join(" ")}), one redis-server, simulator in the bench process; ${RATE} SEND_TEXT/s through the API throughout.`);
  console.log(`load average at start ${loadAtStart}, at end ${load()} (2 shared cores)\n`);
  console.log("| phase | from | sessions moved | placed p50 / p100 | lease taken p50 / p100 | connected at the new worker p50 / p100 | **API says connected p50 / p100** | device online again at the simulator p50 / p100 (sessions seen offline) | longest outage of a moved session | other sessions that went down |");
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const p of phases) {
    const s = (k: keyof PhaseResult["steps"]) => `${ms(p.steps[k].p50)} / ${ms(p.steps[k].p100)}`;
    console.log(`| ${p.label} | ${p.from} | ${p.moved} | ${s("placed")} | ${s("leaseTaken")} | ${s("connected")} | **${s("apiConnected")}** | ${s("simOnline")} (${p.seenOffline}) | ${ms(p.longestOutage)} | ${p.othersDown} |`);
  }
  console.log(`\nTimes from the kill (the move request for the baseline; each move's own placement for the rebalance). The simulator is looked at every ${WATCH_MS} ms: a device offline for less than that may not be seen.`);
  const kill = phases.find((p) => p.label.startsWith("SIGKILL"));
  const term = phases.find((p) => p.label === "SIGTERM");
  const alone = phases.find((p) => p.label.startsWith("baseline"));
  if (kill) console.log(`\nSIGKILL → all connected (API): ${ms(kill.steps.apiConnected.p100)} = ${(kill.steps.apiConnected.p100 / LEASE_MS).toFixed(2)} × the lease TTL; goal ≤ 10 s: ${kill.steps.apiConnected.p100 <= 10_000 ? "met" : "NOT met"}`);
  // One hand-over, two ways: a session moved alone (one sample), and the median move of the rebalance (many).
  const single = phases[0]?.steps.apiConnected.p50 ?? Number.NaN;
  if (term && alone) console.log(`SIGTERM → all connected (API): ${ms(term.steps.apiConnected.p100)} = ${(term.steps.apiConnected.p100 / alone.steps.apiConnected.p100).toFixed(1)} × one session moved alone (${ms(alone.steps.apiConnected.p100)}), ${(term.steps.apiConnected.p100 / single).toFixed(1)} × the rebalance's median move (${ms(single)}); goal ≤ 2 s: ${term.steps.apiConnected.p100 <= 2_000 ? "met" : "NOT met"}`);
  if (rebalance) {
    // The rebalancer's rate is the floor: moves at --rebalance-rate (default 120 a minute), the first ones from a full bucket.
    const floor = (rebalance.moves / REBALANCE_PER_MINUTE) * 60_000;
    console.log(`Rebalance 1 → 2 workers, ${rebalance.sessions} sessions: ${rebalance.moves} moves; balanced ${ms(rebalance.balancedFromJoin)} after the second worker started (${ms(rebalance.balancedFromFirstMove)} from the first move = ${(rebalance.balancedFromFirstMove / floor).toFixed(2)} × ${rebalance.moves} moves at the default ${REBALANCE_PER_MINUTE}/min); last moved session connected (API) at ${ms(rebalance.lastConnected)}`);
    console.log(`  longest outage of a moved session at the simulator: ${ms(rebalance.longestOutage)}; over 1 s: ${rebalance.over1s}; still down: ${rebalance.stillDown}; goal ≤ 60 s and no outage over 1 s: ${rebalance.balancedFromJoin <= 60_000 && rebalance.over1s === 0 && rebalance.stillDown === 0 ? "met" : "NOT met"}`);
  }
  const lost = tally.unsettled + tally.missingAtPhone + tally.refused;
  console.log(`\nMessages: ${tally.submitted} submitted, ${tally.refused} refused by the API, ${tally.completed} completed, ${tally.failed} failed, ${tally.unsettled} unsettled; ${tally.missingAtPhone} completed but not on the recipient's phone; **lost: ${lost}** (goal 0: ${lost === 0 ? "met" : "NOT met"})`);
  for (const [reason, count] of tally.failures) console.log(`  failed ×${count}: ${reason}`);
  console.log(`  completed after a failed attempt: ${tally.retried}; redelivered (completed by a second worker after the first died with the attempt): ${tally.redelivered}; delivered twice to the phone: ${tally.duplicatesAtPhone}`);
  console.log(`  submit → recipient's phone: p50 ${ms(percentile(tally.latencies, 50))}, p99 ${ms(percentile(tally.latencies, 99))}, max ${ms(tally.latencies.at(-1) ?? Number.NaN)}`);
  const logged = new Map<string, number>();
  for (const proc of [world.gateway, ...world.workerProcesses, ...replaced]) {
    for (const line of proc.logs) {
      if (Number(line.level) < 40) continue;
      const key = `${Number(line.level) === 40 ? "warn" : "error"}: ${String(line.msg)}${typeof line.workerId === "string" ? ` (${line.workerId})` : ""}`;
      logged.set(key, (logged.get(key) ?? 0) + 1);
    }
  }
  console.log(`Warnings and errors the coordinator and workers logged: ${[...logged].map(([msg, n]) => `${msg} ×${n}`).join("; ") || "none"}`);
  console.log(`Simulator: replacedLogins ${stats.replacedLogins} (goal 0: ${stats.replacedLogins === 0 ? "met" : "NOT met"}), handler errors ${simErrors.length}${simErrors.length ? `: ${simErrors.slice(-3).join("; ")}` : ""}`);
} finally {
  await traffic.stop();
  watch.stop();
  await world.stop();
}
process.exit(0);
