/** The JSON written to var/bench/latest.json and the markdown tables printed. */
import type { DbCommands } from 'scripts/bench/db-commands';
import type { FanOutResult } from 'scripts/bench/fanout';
import type { Reconciled } from 'scripts/bench/seed';
import type { DataSize } from 'scripts/bench/settings';
import type { CreatorNotifications, ViewerFeed } from 'scripts/bench/social';

export interface EndpointResult {
  key: string;
  name: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses with a status outside 2xx. */
  non2xx: number;
  /** Connection errors and client timeouts (autocannon `errors`). */
  errors: number;
  /** 2xx + non-2xx responses in the measured run. */
  responses: number;
  /** Requests the service worked on: responses + timeouts + those in flight when the run ended. */
  served: number;
  nodeCpuMsPerReq: number;
  engineCpuMsPerReq: number | null;
  /** CPU ms used from the start of the run until idle again (÷ served = the figures above). */
  nodeCpuMs: number;
  engineCpuMs: number;
  /** One request on instance B; for toggles, the first of two (the other way: dbCommandsAlternate). */
  dbCommands: DbCommands | null;
  dbCommandsAlternate?: DbCommands;
  /** engineCpuMsPerReq ÷ the same endpoint's at the run's base scale (1× when run). */
  engineCpuVsBase: number | null;
  /** How long the service and the engine took to go idle after the run (in-flight work). */
  drainMs: number;
  /** Idempotency-Key rows: resources the key created in the whole scale (1: every other request replayed). */
  resourcesCreated?: number;
}

/** The data the issue 14/15 rows read (each null when its rows were not selected). */
export interface RowData {
  viewerFeed: ViewerFeed | null;
  creatorNotifications: CreatorNotifications | null;
  viewerSessions: number | null;
}

export interface RunResult {
  scale: number;
  data: DataSize;
  seedSeconds: number;
  /** null when the app has no CountersReconcileService yet. */
  reconcile: Reconciled | null;
  endpoints: EndpointResult[];
  healthBaselineRatio: number | null;
  loginBurstOnB: { reqPerSec: number; p50Ms: number; p99Ms: number } | null;
  eventLoop: {
    quiet: { p99Ms: number; maxMs: number };
    loginBurst: { p99Ms: number; maxMs: number };
    probes: { label: string; rate: number; quietP99Ms: number; duringLoginsP99Ms: number }[];
  } | null;
  /** The data the issue 14/15 rows read, when they were selected (null: not seeded). */
  rowData?: RowData;
  /** One publish to FAN_OUT_FOLLOWERS × scale followers (with the feed row; null otherwise). */
  fanOut?: FanOutResult | null;
  runSeconds: number;
}

export interface BaselineResult {
  name: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  nodeCpuMsPerReq: number;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  command: string;
  commit: string;
  machine: {
    cores: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    engine: string;
    loadAverage: { start: number[]; end: number[] };
  };
  settings: {
    durationSeconds: number;
    connections: number;
    bcryptRounds: number;
    loopSeconds: number;
    bcryptConcurrency: string;
    metrics: string;
    baseData: DataSize;
    seedBatch: number;
  };
  baseline: BaselineResult | null;
  runs: RunResult[];
}

const pad = (s: string, n: number): string => s.padEnd(n);
const lpad = (s: string, n: number): string => s.padStart(n);
const fixed = (n: number | null, digits = 2): string =>
  n === null || !Number.isFinite(n) ? '-' : n.toFixed(digits);
const dbCell = (e: EndpointResult): string => {
  const one = (d: DbCommands): string => `${d.auth}/${d.rest}`;
  if (!e.dbCommands) return e.key === 'baseline' ? '-' : '?';
  return e.dbCommandsAlternate
    ? `${one(e.dbCommands)}; ${one(e.dbCommandsAlternate)}`
    : one(e.dbCommands);
};

export function formatRun(
  run: RunResult,
  baseScale: number,
  baseline: BaselineResult | null,
): string[] {
  const ratioHeader = `engine ms/req at ${run.scale}× ÷ at ${baseScale}×`;
  const lines: string[] = [];
  lines.push(
    `| ${pad('endpoint', 34)} | ${lpad('req/s', 8)} | ${lpad('p50 ms', 6)} | ${lpad('p99 ms', 6)} | ${lpad('2xx', 6)} | ${lpad('other', 5)} | db auth/rest | node cpu ms/req | engine cpu ms/req | ${ratioHeader} |`,
  );
  lines.push(
    `|${'-'.repeat(36)}|${'-'.repeat(10)}|${'-'.repeat(8)}|${'-'.repeat(8)}|${'-'.repeat(8)}|${'-'.repeat(7)}|--------------|-----------------|-------------------|${'-'.repeat(ratioHeader.length + 2)}|`,
  );
  if (baseline) {
    lines.push(
      `| ${pad(baseline.name, 34)} | ${lpad(baseline.reqPerSec.toFixed(1), 8)} | ${lpad(String(baseline.p50Ms), 6)} | ${lpad(String(baseline.p99Ms), 6)} | ${lpad('', 6)} | ${lpad(String(baseline.non2xx), 5)} | ${pad('-', 12)} | ${lpad(fixed(baseline.nodeCpuMsPerReq), 15)} | ${lpad('-', 17)} | ${lpad('-', ratioHeader.length)} |`,
    );
  }
  for (const e of run.endpoints) {
    const answered = e.responses > 0;
    lines.push(
      `| ${pad(answered ? e.name : `${e.name} *`, 34)} | ${lpad(e.reqPerSec.toFixed(1), 8)} | ${lpad(answered ? String(e.p50Ms) : '-', 6)} | ${lpad(answered ? String(e.p99Ms) : '-', 6)} | ${lpad(String(e.responses - e.non2xx), 6)} | ${lpad(String(e.non2xx + e.errors), 5)} | ${pad(dbCell(e), 12)} | ${lpad(fixed(e.nodeCpuMsPerReq), 15)} | ${lpad(fixed(e.engineCpuMsPerReq), 17)} | ${lpad(fixed(e.engineCpuVsBase), ratioHeader.length)} |`,
    );
  }
  const unanswered = run.endpoints.filter((e) => e.responses === 0);
  if (unanswered.length > 0) {
    lines.push('');
    lines.push(
      `* no response within the run: every connection still waited when it ended (${unanswered
        .map((e) => `${e.key}: busy ${(e.drainMs / 1000).toFixed(0)} s after the run`)
        .join(', ')}); CPU per request is over those requests.`,
    );
  }
  return lines;
}

/** One line per endpoint across the scales: req/s, engine ms/req and its ratio to the base. */
export function formatSummary(runs: RunResult[], baseScale: number): string[] {
  const scales = runs.map((r) => r.scale);
  const keys = [...new Set(runs.flatMap((r) => r.endpoints.map((e) => e.key)))];
  const head = [
    pad('endpoint', 34),
    ...scales.map((s) => lpad(`req/s ${s}×`, 10)),
    ...scales.map((s) => lpad(`non-2xx ${s}×`, 11)),
    ...scales.map((s) => lpad(`engine ms/req ${s}×`, 17)),
    ...scales.filter((s) => s !== baseScale).map((s) => lpad(`engine ${s}× ÷ ${baseScale}×`, 15)),
  ];
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map((h) => '-'.repeat(h.length + 2)).join('|')}|`,
  ];
  for (const key of keys) {
    const rows = runs.map((r) => r.endpoints.find((e) => e.key === key));
    const name = rows.find((e) => e)?.name ?? key;
    const cells = [
      pad(name, 34),
      ...rows.map((e) => lpad(e ? e.reqPerSec.toFixed(1) : '-', 10)),
      ...rows.map((e) =>
        lpad(!e ? '-' : e.responses === 0 ? 'no answer' : String(e.non2xx + e.errors), 11),
      ),
      ...rows.map((e) => lpad(e ? fixed(e.engineCpuMsPerReq) : '-', 17)),
      ...runs
        .map((r, i) => ({ r, e: rows[i] }))
        .filter(({ r }) => r.scale !== baseScale)
        .map(({ e }) => lpad(e ? fixed(e.engineCpuVsBase) : '-', 15)),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

export function formatDbCommands(run: RunResult): string[] {
  const lines = ['database commands per request (auth | rest):'];
  const names = (d: DbCommands): string =>
    `${d.authCommands.join(', ') || '-'} | ${d.restCommands.join(', ') || '-'}`;
  for (const e of run.endpoints) {
    if (!e.dbCommands) continue;
    lines.push(`  ${pad(e.name, 34)} ${names(e.dbCommands)}`);
    if (e.dbCommandsAlternate)
      lines.push(`  ${pad('  (toggled back)', 34)} ${names(e.dbCommandsAlternate)}`);
  }
  return lines;
}

/** What the issue 14/15 rows read, one line each (older JSON files have none). */
export function formatRowData(run: RunResult): string[] {
  const lines: string[] = [];
  const data = run.rowData;
  if (data?.viewerFeed)
    lines.push(
      `feed: the bench user follows ${data.viewerFeed.follows} creators; its timeline holds ` +
        `${data.viewerFeed.entries} entries (${data.viewerFeed.written} backfilled, trimmed to the bound)`,
    );
  if (data?.creatorNotifications) {
    const n = data.creatorNotifications;
    lines.push(
      `notifications: dancer 0 has ${n.groups} groups (${n.actorRows} actor rows), ${n.unread} unread`,
    );
  }
  if (data?.viewerSessions) lines.push(`sessions: the bench user holds ${data.viewerSessions}`);
  for (const e of run.endpoints) {
    if (e.resourcesCreated === undefined) continue;
    lines.push(
      `${e.key}: ${e.responses - e.non2xx} replays answered 2xx; the key created ` +
        `${e.resourcesCreated} resource(s) in the whole scale${e.resourcesCreated === 1 ? '' : ' (expected 1)'}`,
    );
  }
  return lines;
}

const ms = (n: number | null): string =>
  n === null ? 'not within the deadline' : `${n.toFixed(0)} ms`;

/** The fan-out section: one publish to N followers, timed from the publish answer. */
export function formatFanOut(run: RunResult): string[] {
  const f = run.fanOut;
  if (!f) return [];
  const lines = [
    `Fan-out of one publish to ${f.followers} followers: ${ms(f.timelinesMs)} ` +
      `(every timeline holds the video, after the publish answer; the answer took ${f.publishAnswerMs.toFixed(0)} ms)`,
    `  new_video notifications to all ${f.followers}: ${ms(f.notificationsMs)}; ` +
      `the last follower's unread count then: ${f.lastFollowerUnread ?? '?'}`,
    `  written: ${f.timelineEntries} timeline entries, ${f.notifications} notifications; ` +
      `CPU until idle: node ${f.nodeCpuMs.toFixed(0)} ms, engine ${f.engineCpuMs.toFixed(0)} ms ` +
      `(${((f.nodeCpuMs + f.engineCpuMs) / Math.max(1, f.followers)).toFixed(2)} ms per follower, the completion polls included)`,
  ];
  if (f.jobs)
    lines.push(
      `  jobs (dancely_jobs_total on A): ${
        Object.entries(f.jobs)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      }`,
    );
  return lines;
}

/** The fan-out across scales: followers, then the time until every timeline and inbox had it. */
export function formatFanOutSummary(runs: RunResult[]): string[] {
  const measured = runs.filter((r) => r.fanOut);
  if (measured.length === 0) return [];
  const lines = [
    '| fan-out of one publish | followers | publish answer ms | timelines ms | notifications ms | node+engine cpu ms/follower |',
    '|------------------------|-----------|-------------------|--------------|------------------|-----------------------------|',
  ];
  for (const run of measured) {
    const f = run.fanOut as FanOutResult;
    const cell = (n: number | null): string => (n === null ? 'timeout' : n.toFixed(0));
    lines.push(
      `| ${pad(`${run.scale}×`, 22)} | ${lpad(String(f.followers), 9)} | ${lpad(f.publishAnswerMs.toFixed(0), 17)} | ${lpad(cell(f.timelinesMs), 12)} | ${lpad(cell(f.notificationsMs), 16)} | ${lpad(((f.nodeCpuMs + f.engineCpuMs) / Math.max(1, f.followers)).toFixed(2), 27)} |`,
    );
  }
  return lines;
}
