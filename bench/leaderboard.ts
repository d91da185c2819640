// Weekly leaderboard benchmark: seeds `submissions` with a year of activity over many servers, then
// times MockExamService.board(guildId, week, 'week', callerId) for random (server, week) pairs on
// PGlite (in memory) and on PostgreSQL, and explains the board's aggregate query.
//
//   node bin/run-ts.js bench/leaderboard.ts [--rows 1000000] [--servers 200] [--weeks 52]
//        [--runs 200] [--warmup 20] [--engine both|pglite|postgres] [--seed 1] [--keep]
//        [--candidate-index "guild_id, week, user_id, problem_id, points, weight, timed, user_name"]
//
// PostgreSQL: a scratch database is created next to BENCH_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test) and dropped at the end (--keep leaves it for psql).
// When no server answers, the PostgreSQL part is skipped with a line saying so.
// --candidate-index then replaces submissions_board_idx by an index on the given columns and
// measures again on the same data, to compare an index change with figures.
//
// What the figures stand for: no week is closed, so every board is computed live from
// `submissions` (a closed week reads its recorded standings instead), and every row has been
// vacuumed, so the visibility map is complete: the best case for index-only scans. In production the
// open week's rows were updated recently (queued -> running -> graded) and cost heap fetches until
// (auto)vacuum has passed over them.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PGlite } from '@electric-sql/pglite';
import type { Logger as DrizzleLogger } from 'drizzle-orm';
import { openDatabase, type Database, type DatabaseHandle } from '../src/db/client.ts';
import * as schema from '../src/db/schema.ts';
import { MockExamService } from '../src/mockexam/mock-exam-service.ts';
import { rotatingProblemSet } from '../src/mockexam/problem-set.ts';
import { addWeeks, weekBounds, type IsoWeek } from '../src/mockexam/week.ts';
import { GuildSettingsService } from '../src/settings/guild-settings.ts';
import { problemCatalog } from '../problems/index.ts';
import { systemClock } from '../src/clock.ts';

const DEFAULT_BASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const FIRST_WEEK: IsoWeek = '2025-W01';

type Options = {
  rows: number;
  servers: number;
  weeks: number;
  runs: number;
  warmup: number;
  engines: Array<'pglite' | 'postgres'>;
  seed: number;
  keep: boolean;
  /** Columns of an index to try in place of submissions_board_idx, e.g. "guild_id, week, user_id". */
  candidateIndex?: string;
};

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '1000000' },
      servers: { type: 'string', default: '200' },
      weeks: { type: 'string', default: '52' },
      runs: { type: 'string', default: '200' },
      warmup: { type: 'string', default: '20' },
      engine: { type: 'string', default: 'both' },
      seed: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false },
      'candidate-index': { type: 'string' },
    },
    strict: true,
  });
  const positive = (name: string, raw: string | undefined, min = 1): number => {
    const value = Number(String(raw).replaceAll('_', ''));
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`);
    return value;
  };
  const engine = values.engine ?? 'both';
  if (!['both', 'pglite', 'postgres'].includes(engine)) throw new Error(`--engine must be both, pglite or postgres, got "${engine}"`);
  return {
    rows: positive('rows', values.rows),
    servers: positive('servers', values.servers),
    weeks: positive('weeks', values.weeks),
    runs: positive('runs', values.runs),
    warmup: positive('warmup', values.warmup, 0),
    engines: engine === 'both' ? ['pglite', 'postgres'] : [engine as 'pglite' | 'postgres'],
    seed: positive('seed', values.seed, 0),
    keep: values.keep ?? false,
    candidateIndex: checkIndexColumns(values['candidate-index']),
  };
}

const COLUMN_LIST = String.raw`[a-z_]+(\s*,\s*[a-z_]+)*`;
const INDEX_COLUMNS = new RegExp(String.raw`^${COLUMN_LIST}(\s+include\s*\(\s*${COLUMN_LIST}\s*\))?$`, 'i');

/** The option goes into SQL, so only plain column names (and an INCLUDE list) are accepted. */
function checkIndexColumns(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const columns = raw.trim();
  if (!INDEX_COLUMNS.test(columns)) {
    throw new Error(`--candidate-index takes column names separated by commas, optionally followed by include (...); got "${raw}"`);
  }
  return columns;
}

// ---------------------------------------------------------------------------------------------
// Synthetic data. Deterministic for a seed, so both engines load the same rows.

/** mulberry32: small, fast, good enough for synthetic data. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Index drawn from cumulative weights (binary search). */
function pick(cumulative: Float64Array, random: () => number): number {
  const target = random() * cumulative[cumulative.length - 1];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulate(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  return out;
}

function snowflake(random: () => number): string {
  let id = String(1 + Math.floor(random() * 9));
  for (let i = 0; i < 18; i++) id += Math.floor(random() * 10);
  return id;
}

function hex(random: () => number, chars: number): string {
  let out = '';
  while (out.length < chars) out += Math.floor(random() * 4294967296).toString(16).padStart(8, '0');
  return out.slice(0, chars);
}

const NAMES = ['ada', 'bob', 'chen', 'dara', 'eli', 'fatima', 'gus', 'hana', 'ivan', 'jo', 'kemal', 'lena', 'mia', 'noor', 'omar', 'priya', 'quinn', 'rui', 'sara', 'tomas', 'uma', 'vik', 'wen', 'yusuf', 'zoe'];

type Member = { userId: string; userName: string };
type Server = {
  guildId: string;
  members: Member[];
  /** Zipf-like: a few members submit most of the attempts. */
  activity: Float64Array;
  /** Week index from which the server is active (some join during the year). */
  firstWeek: number;
  size: number;
};

type Plan = {
  servers: Server[];
  weeks: IsoWeek[];
  /** Rows per week, summing to the requested total. */
  rowsPerWeek: number[];
  seed: number;
};

function planData(options: Options): Plan {
  const random = createRandom(options.seed);
  const servers: Server[] = [];
  for (let s = 0; s < options.servers; s++) {
    // Members per server: log-normal, median 25, a long tail of big servers (hundreds of members).
    const size = Math.max(4, Math.min(2000, Math.round(Math.exp(Math.log(25) + 1.1 * normal(random)))));
    const members = Array.from({ length: size }, (_, i) => ({
      userId: snowflake(random),
      userName: `${NAMES[Math.floor(random() * NAMES.length)]}${i}`,
    }));
    const activity = cumulate(members.map((_, i) => 1 / Math.pow(i + 1, 0.9)));
    const firstWeek = random() < 0.3 ? Math.floor(random() * options.weeks * 0.6) : 0;
    servers.push({ guildId: snowflake(random), members, activity, firstWeek, size });
  }
  const weeks = Array.from({ length: options.weeks }, (_, i) => addWeeks(FIRST_WEEK, i));
  // Activity grows a little over the year, with noise from week to week.
  const weekWeights = weeks.map((_, w) => (1 + w / options.weeks) * (0.7 + 0.6 * random()));
  const total = weekWeights.reduce((a, b) => a + b, 0);
  const rowsPerWeek = weekWeights.map((w) => Math.floor((options.rows * w) / total));
  rowsPerWeek[rowsPerWeek.length - 1] += options.rows - rowsPerWeek.reduce((a, b) => a + b, 0);
  return { servers, weeks, rowsPerWeek, seed: options.seed };
}

const COPY_COLUMNS = [
  'guild_id', 'user_id', 'user_name', 'problem_id', 'weight', 'week', 'timed', 'status', 'points', 'metric',
  'metric_value', 'file_name', 'file_sha256', 'file_size', 'format', 'backend', 'timings', 'result', 'error_code',
  'error', 'files_path', 'attempts', 'reply_to', 'created_at', 'started_at', 'finished_at',
] as const;

const NULL = '\\N';
const POINTS_WEIGHTS = cumulate([0.07, 0.09, 0.13, 0.19, 0.24, 0.28]);
const FAILURES = [
  ['input-shape', 'The model expects input (None, 150, 150, 3) but the problem gives (None, 28, 28, 1).'],
  ['output-shape', 'The model has 1 output unit; the problem needs 10 (one per class).'],
  ['unsupported-layer', 'Layer "TFOpLambda" is not supported by the grader; use Keras layers only.'],
  ['timeout', 'Grading took longer than 60 s.'],
] as const;

/** COPY text format: backslash, tab and newlines are escaped. */
function field(value: string | number | boolean | null): string {
  if (value === null) return NULL;
  const text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!) : text;
}

type PairStats = Map<string, { guildId: string; week: IsoWeek; rows: number; callers: string[] }>;

/**
 * One chunk of COPY text per week, rows in time order: the servers' submissions interleave in the
 * table as they would in production, so one board's rows are spread over many heap pages.
 */
function* weekChunks(plan: Plan, pairs: PairStats, statuses: Record<string, number>): Generator<string> {
  const random = createRandom(plan.seed * 7919 + 17);
  const byId = new Map(problemCatalog.map((p) => [p.id, p]));
  for (let w = 0; w < plan.weeks.length; w++) {
    const week = plan.weeks[w];
    const isCurrentWeek = w === plan.weeks.length - 1;
    const set = rotatingProblemSet(week, problemCatalog);
    const start = weekBounds(week, 'UTC').start.getTime();
    const serverWeights = cumulate(plan.servers.map((s) => (w >= s.firstWeek ? s.size * (0.5 + random()) : 0)));
    const timedMembers = new Set<string>();
    const rows: Array<{ at: number; line: string }> = [];
    for (let r = 0; r < plan.rowsPerWeek[w]; r++) {
      const server = plan.servers[pick(serverWeights, random)];
      const member = server.members[pick(server.activity, random)];
      const problem = random() < 0.85 ? byId.get(set[Math.floor(random() * set.length)])! : problemCatalog[Math.floor(random() * problemCatalog.length)];
      const memberKey = `${server.guildId}/${member.userId}`;
      if (!timedMembers.has(memberKey) && random() < 0.02) timedMembers.add(memberKey);
      const timed = timedMembers.has(memberKey) && random() < 0.5;
      const roll = random();
      const status = isCurrentWeek && roll < 0.04 ? (roll < 0.03 ? 'queued' : 'running') : roll < 0.88 ? 'graded' : 'failed';
      statuses[status] = (statuses[status] ?? 0) + 1;
      const at = start + Math.floor(random() * 7 * 24 * 3600 * 1000);
      const startedAt = status === 'queued' ? null : at + 500 + Math.floor(random() * 30_000);
      const finishedAt = status === 'graded' || status === 'failed' ? startedAt! + 2000 + Math.floor(random() * 20_000) : null;
      const isRegression = problem.category === 1 || problem.category === 5;
      const metric = isRegression ? 'mae' : 'accuracy';
      const points = status === 'graded' ? pick(POINTS_WEIGHTS, random) : null;
      const metricValue = status === 'graded' ? (isRegression ? 0.02 + random() * 2 : 0.5 + random() * 0.5) : null;
      const failure = status === 'failed' ? FAILURES[Math.floor(random() * FAILURES.length)] : null;
      const timings = finishedAt
        ? JSON.stringify({ downloadMs: Math.floor(random() * 800), importMs: Math.floor(random() * 1500), evaluateMs: Math.floor(random() * 9000) })
        : null;
      const result =
        status === 'graded'
          ? JSON.stringify({
              details: `${metric} ${metricValue!.toFixed(4)} on the evaluation set`,
              hint: points! < 5 ? 'Train a few more epochs or add a Dropout layer to generalise better.' : 'Full marks.',
            })
          : null;
      const line = [
        server.guildId,
        member.userId,
        member.userName,
        problem.id,
        problem.weight,
        week,
        timed ? 't' : 'f',
        status,
        points,
        status === 'graded' ? metric : null,
        metricValue,
        'model.h5',
        hex(random, 64),
        100_000 + Math.floor(random() * 40_000_000),
        status === 'queued' ? null : 'keras2-h5',
        status === 'queued' ? null : 'wasm',
        timings,
        result,
        failure ? failure[0] : null,
        failure ? failure[1] : null,
        status === 'queued' || status === 'running' ? `/data/uploads/${hex(random, 16)}` : null,
        status === 'queued' ? 0 : 1,
        JSON.stringify({ channelId: server.guildId, interactionId: member.userId, ephemeral: true }),
        new Date(at).toISOString(),
        startedAt === null ? null : new Date(startedAt).toISOString(),
        finishedAt === null ? null : new Date(finishedAt).toISOString(),
      ]
        .map(field)
        .join('\t');
      rows.push({ at, line });
      const key = `${server.guildId}/${week}`;
      const pair = pairs.get(key) ?? { guildId: server.guildId, week, rows: 0, callers: [] };
      pair.rows += 1;
      if (pair.callers.length < 50 && !pair.callers.includes(member.userId)) pair.callers.push(member.userId);
      pairs.set(key, pair);
    }
    rows.sort((a, b) => a.at - b.at);
    yield rows.map((r) => r.line).join('\n') + '\n';
  }
}

// ---------------------------------------------------------------------------------------------
// Engines.

type Engine = {
  name: 'pglite' | 'postgres';
  handle: DatabaseHandle;
  /** Bulk load of COPY text chunks. */
  copy(chunks: Iterable<string>): Promise<void>;
  /** Runs SQL with parameters, returning the rows. */
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  /** A drizzle database over the same connection that reports each query it sends. */
  recordingDb(onQuery: (query: string, params: unknown[]) => void): Database;
  close(): Promise<void>;
};

const copyStatement = (source: string) => `copy submissions (${COPY_COLUMNS.join(', ')}) from ${source}`;

async function openPgliteEngine(): Promise<Engine> {
  const handle = await openDatabase({ inMemory: true });
  const client = (handle.db as unknown as { $client: PGlite }).$client;
  return {
    name: 'pglite',
    handle,
    async copy(chunks) {
      // COPY straight into a large table is quadratic on PGlite: bulk loads extend the relation with
      // fallocate, which PGlite's in-memory file system serves by reallocating and copying the whole
      // file (a profile of a 300,000-row load spent 7.7 of 11.5 s there; 1,000,000 rows took 235 s).
      // So each chunk is COPYed (from a Blob mounted as /dev/blob) into a staging table that never
      // grows beyond one chunk, then moved with INSERT ... SELECT, which extends the table page by
      // page and maintains the indexes row by row as production inserts do (1,000,000 rows: about 40 s).
      const columns = COPY_COLUMNS.join(', ');
      await client.query(`create temp table submissions_seed as select ${columns} from submissions with no data`);
      for (const chunk of chunks) {
        await client.query(`copy submissions_seed (${columns}) from '/dev/blob'`, [], { blob: new Blob([chunk]) });
        await client.transaction(async (tx) => {
          await tx.query(`insert into submissions (${columns}) select ${columns} from submissions_seed`);
          await tx.query('truncate submissions_seed');
        });
      }
      await client.query('drop table submissions_seed');
    },
    async query<T>(text: string, params: unknown[] = []) {
      return (await client.query<T>(text, params)).rows;
    },
    recordingDb(onQuery) {
      const logger: DrizzleLogger = { logQuery: (query, params) => onQuery(query, params) };
      return drizzlePglite(client, { schema, logger }) as unknown as Database;
    },
    close: () => handle.close(),
  };
}

async function openPostgresEngine(url: string): Promise<Engine> {
  const handle = await openDatabase({ databaseUrl: url });
  const client = postgres(url, { max: 1, onnotice: () => {} });
  return {
    name: 'postgres',
    handle,
    async copy(chunks) {
      const writable = await client.unsafe(copyStatement('stdin')).writable();
      await pipeline(Readable.from(chunks), writable);
    },
    async query<T>(text: string, params: unknown[] = []) {
      return (await client.unsafe(text, params as never[])) as unknown as T[];
    },
    recordingDb(onQuery) {
      const logger: DrizzleLogger = { logQuery: (query, params) => onQuery(query, params) };
      return drizzlePostgres(client, { schema, logger }) as unknown as Database;
    },
    async close() {
      await client.end({ timeout: 5 });
      await handle.close();
    },
  };
}

/** Scratch database next to the base URL, or why the PostgreSQL part is skipped when no server answers. */
async function createScratchDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> } | { skipped: string }> {
  const where = (() => {
    try {
      const u = new URL(baseUrl);
      return `${u.hostname}:${u.port || 5432}`;
    } catch {
      return '(unparseable URL)';
    }
  })();
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await admin`select 1`;
  } catch (error) {
    await admin.end({ timeout: 1 }).catch(() => {});
    return { skipped: `no PostgreSQL server answers at ${where} (${(error as Error).message})` };
  }
  const name = `tsb_bench_${randomBytes(4).toString('hex')}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await admin.end({ timeout: 1 }).catch(() => {});
    throw new Error(`Cannot create the scratch database ${name} at ${where}: ${(error as Error).message}`, { cause: error });
  }
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = postgres(baseUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measurement.

const BOARD_INDEX = 'submissions_board_idx';
const CANDIDATE_INDEX = 'submissions_board_candidate_idx';

type BoardTimings = { medianMs: number; p95Ms: number; maxMs: number; busiestMedianMs: number };

type IndexRun = { index: string; timings: BoardTimings; explains: ExplainSummary[] };

type EngineResult = {
  engine: string;
  openMs: number;
  loadMs: number;
  vacuumMs: number;
  current: IndexRun;
  candidate?: IndexRun & { definition: string; buildMs: number };
  pairs: PairStats;
  statuses: Record<string, number>;
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

type PairSample = { guildId: string; week: IsoWeek; callerId: string; rows: number };

function samplePairs(pairs: PairStats, count: number, seed: number): PairSample[] {
  const random = createRandom(seed * 31 + 5);
  const all = [...pairs.values()];
  return Array.from({ length: count }, () => {
    const pair = all[Math.floor(random() * all.length)];
    return { guildId: pair.guildId, week: pair.week, callerId: pair.callers[Math.floor(random() * pair.callers.length)], rows: pair.rows };
  });
}

/** The busiest (server, week) pair and one of median size, for EXPLAIN. */
function landmarkPairs(pairs: PairStats): Array<{ label: string; sample: PairSample }> {
  const sorted = [...pairs.values()].sort((a, b) => b.rows - a.rows);
  const toSample = (p: (typeof sorted)[number]) => ({ guildId: p.guildId, week: p.week, callerId: p.callers[0], rows: p.rows });
  return [
    { label: 'busiest pair', sample: toSample(sorted[0]) },
    { label: 'median-size pair', sample: toSample(sorted[Math.floor(sorted.length / 2)]) },
  ];
}

async function timeBoards(exams: MockExamService, samples: PairSample[]): Promise<number[]> {
  const times: number[] = [];
  for (const s of samples) {
    const started = performance.now();
    const view = await exams.board(s.guildId, s.week, 'week', s.callerId);
    times.push(performance.now() - started);
    if (view.members === 0 && s.rows > 20) throw new Error(`board ${s.guildId} ${s.week} is empty although ${s.rows} rows were seeded`);
  }
  return times.sort((a, b) => a - b);
}

/** Warm-up calls, then the same random pairs for every run, then the busiest pair 50 times. */
async function measureBoards(engine: Engine, pairs: PairStats, options: Options): Promise<BoardTimings> {
  const exams = new MockExamService(engine.handle.db, new GuildSettingsService(engine.handle.db, 'UTC', systemClock), problemCatalog, systemClock);
  await timeBoards(exams, samplePairs(pairs, options.warmup, options.seed + 1));
  const times = await timeBoards(exams, samplePairs(pairs, options.runs, options.seed + 2));
  const busiest = landmarkPairs(pairs)[0].sample;
  const busiestTimes = await timeBoards(exams, Array.from({ length: Math.min(50, options.runs) }, () => busiest));
  return { medianMs: percentile(times, 50), p95Ms: percentile(times, 95), maxMs: times[times.length - 1], busiestMedianMs: percentile(busiestTimes, 50) };
}

type ExplainSummary = {
  label: string;
  pair: string;
  scans: string[];
  usesIndex: boolean;
  indexOnly: boolean;
  heapFetches: number;
  sharedHit: number;
  sharedRead: number;
  executionMs: number;
  text: string;
};

type PlanNode = {
  'Node Type': string;
  'Index Name'?: string;
  'Heap Fetches'?: number;
  'Relation Name'?: string;
  Plans?: PlanNode[];
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
};

/** Explains the exact aggregate query board() sends (captured through drizzle's logger). */
async function explainBoardQuery(engine: Engine, label: string, pair: PairSample, index: string): Promise<ExplainSummary> {
  const captured: Array<{ query: string; params: unknown[] }> = [];
  const db = engine.recordingDb((query, params) => captured.push({ query, params }));
  const exams = new MockExamService(db, new GuildSettingsService(db, 'UTC', systemClock), problemCatalog, systemClock);
  await exams.board(pair.guildId, pair.week, 'week', pair.callerId);
  const boardQuery = captured.find((c) => /group by/i.test(c.query) && /"submissions"/.test(c.query));
  if (!boardQuery) throw new Error(`board() sent no aggregate query over submissions; it sent:\n${captured.map((c) => c.query).join('\n')}`);
  const [json] = await engine.query<{ 'QUERY PLAN': unknown }>(`explain (analyze, buffers, format json) ${boardQuery.query}`, boardQuery.params);
  const raw = json['QUERY PLAN'];
  const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode; 'Execution Time': number }>;
  const textRows = await engine.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${boardQuery.query}`, boardQuery.params);
  const scans: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    if (node['Relation Name'] === 'submissions' || node['Index Name']) scans.push(node);
    node.Plans?.forEach(walk);
  };
  walk(parsed[0].Plan);
  const top = parsed[0].Plan;
  return {
    label,
    pair: `${pair.guildId} ${pair.week}, ${pair.rows} rows`,
    scans: scans.map((s) => `${s['Node Type']}${s['Index Name'] ? ` using ${s['Index Name']}` : ''}`),
    usesIndex: scans.some((s) => s['Index Name'] === index),
    indexOnly: scans.length > 0 && scans.every((s) => s['Node Type'] === 'Index Only Scan'),
    heapFetches: scans.reduce((sum, s) => sum + (s['Heap Fetches'] ?? 0), 0),
    sharedHit: top['Shared Hit Blocks'] ?? 0,
    sharedRead: top['Shared Read Blocks'] ?? 0,
    executionMs: parsed[0]['Execution Time'],
    text: [`-- ${boardQuery.query}`, `-- params: ${JSON.stringify(boardQuery.params)}`, ...textRows.map((r) => r['QUERY PLAN'])].join('\n'),
  };
}

async function explainLandmarks(engine: Engine, pairs: PairStats, index: string): Promise<ExplainSummary[]> {
  const out: ExplainSummary[] = [];
  for (const { label, sample } of landmarkPairs(pairs)) out.push(await explainBoardQuery(engine, label, sample, index));
  return out;
}

async function runEngine(engine: Engine, plan: Plan, options: Options, openMs: number): Promise<EngineResult> {
  const pairs: PairStats = new Map();
  const statuses: Record<string, number> = {};
  const loadStarted = performance.now();
  await engine.copy(weekChunks(plan, pairs, statuses));
  const loadMs = performance.now() - loadStarted;
  const [{ count }] = await engine.query<{ count: string | number }>('select count(*) as count from submissions');
  if (Number(count) !== options.rows) throw new Error(`${engine.name}: ${count} rows loaded, ${options.rows} expected`);
  const vacuumStarted = performance.now();
  await engine.query('vacuum analyze submissions');
  const vacuumMs = performance.now() - vacuumStarted;
  log(`  ${engine.name}: loaded ${options.rows.toLocaleString('en')} rows in ${fmtS(loadMs)}, vacuum analyze ${fmtS(vacuumMs)}`);
  const current = { index: BOARD_INDEX, timings: await measureBoards(engine, pairs, options), explains: await explainLandmarks(engine, pairs, BOARD_INDEX) };
  const result: EngineResult = { engine: engine.name, openMs, loadMs, vacuumMs, current, pairs, statuses };
  if (options.candidateIndex) {
    // The candidate replaces the schema's board index, so the planner cannot fall back to it.
    const definition = `create index ${CANDIDATE_INDEX} on submissions (${options.candidateIndex})`;
    const buildStarted = performance.now();
    await engine.query(definition);
    await engine.query(`drop index ${BOARD_INDEX}`);
    await engine.query('vacuum analyze submissions');
    const buildMs = performance.now() - buildStarted;
    log(`  ${engine.name}: candidate index built in ${fmtS(buildMs)} (with vacuum analyze)`);
    result.candidate = {
      definition,
      buildMs,
      index: CANDIDATE_INDEX,
      timings: await measureBoards(engine, pairs, options),
      explains: await explainLandmarks(engine, pairs, CANDIDATE_INDEX),
    };
  }
  return result;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmtMs = (ms: number) => (Number.isNaN(ms) ? '-' : `${ms.toFixed(2)} ms`);

function printDataShape(plan: Plan, pairs: PairStats, statuses: Record<string, number>, rows: number): void {
  const sizes = plan.servers.map((s) => s.size).sort((a, b) => a - b);
  const perPair = [...pairs.values()].map((p) => p.rows).sort((a, b) => a - b);
  const statusText = Object.entries(statuses)
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${s} ${((100 * n) / rows).toFixed(1)}%`)
    .join(', ');
  log(
    `data: ${plan.servers.length} servers (members: median ${percentile(sizes, 50)}, max ${sizes[sizes.length - 1]}), ` +
      `${plan.weeks.length} weeks from ${plan.weeks[0]}; ${pairs.size} (server, week) pairs with submissions, ` +
      `rows per pair median ${percentile(perPair, 50)}, p95 ${percentile(perPair, 95)}, max ${perPair[perPair.length - 1]}; ${statusText}`,
  );
}

function printTable(results: EngineResult[], options: Options): void {
  const header = ['engine', 'board index', 'open', 'seed (load)', 'vacuum analyze', 'board median', 'p95', 'max', 'busiest pair median'];
  const lines: string[][] = [];
  for (const r of results) {
    const t = r.current.timings;
    lines.push([r.engine, 'schema', fmtS(r.openMs), fmtS(r.loadMs), fmtS(r.vacuumMs), fmtMs(t.medianMs), fmtMs(t.p95Ms), fmtMs(t.maxMs), fmtMs(t.busiestMedianMs)]);
    if (r.candidate) {
      const c = r.candidate.timings;
      lines.push([r.engine, 'candidate', '', '', '', fmtMs(c.medianMs), fmtMs(c.p95Ms), fmtMs(c.maxMs), fmtMs(c.busiestMedianMs)]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  log('');
  log(`weekly board (MockExamService.board), ${options.rows.toLocaleString('en')} submissions, ${options.runs} random (server, week) pairs after ${options.warmup} warm-up calls:`);
  log(row(header));
  log(row(widths.map((w) => '-'.repeat(w))));
  lines.forEach((l) => log(row(l)));
  const candidate = results.find((r) => r.candidate)?.candidate;
  if (candidate) log(`candidate: ${candidate.definition} (replacing ${BOARD_INDEX}; built after the load, so more compact than an index grown row by row)`);
}

function printExplains(r: EngineResult, run: IndexRun, printPlanText: boolean): void {
  for (const e of run.explains) {
    log('');
    log(
      `${r.engine} EXPLAIN (ANALYZE, BUFFERS), board query, ${e.label} (${e.pair}): ` +
        `${e.scans.join(', ') || 'no scan of submissions'}; ` +
        `${e.usesIndex ? `uses ${run.index}` : `does NOT use ${run.index}`}, ` +
        `${e.indexOnly ? `index-only (heap fetches ${e.heapFetches})` : 'NOT index-only: reads table rows'}; ` +
        `buffers hit ${e.sharedHit}, read ${e.sharedRead}; execution ${fmtMs(e.executionMs)}`,
    );
    if (printPlanText && e.label === 'busiest pair') log(e.text);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const plan = planData(options);
  const results: EngineResult[] = [];
  const skipped: string[] = [];
  const done = (r: EngineResult) => {
    if (results.length === 0) printDataShape(plan, r.pairs, r.statuses, options.rows);
    results.push(r);
  };

  if (options.engines.includes('pglite')) {
    log('PGlite (in memory): opening...');
    const opened = performance.now();
    const engine = await openPgliteEngine();
    const openMs = performance.now() - opened;
    try {
      done(await runEngine(engine, plan, options, openMs));
    } finally {
      await engine.close();
    }
  }

  if (options.engines.includes('postgres')) {
    const base = process.env.BENCH_DATABASE_URL || DEFAULT_BASE_URL;
    const scratch = await createScratchDatabase(base);
    if ('skipped' in scratch) {
      skipped.push(`PostgreSQL: skipped, ${scratch.skipped}. Set BENCH_DATABASE_URL to a server where a database may be created.`);
      log(skipped[skipped.length - 1]);
    } else {
      log(`PostgreSQL: scratch database ${new URL(scratch.url).pathname.slice(1)}...`);
      try {
        const opened = performance.now();
        const engine = await openPostgresEngine(scratch.url);
        const openMs = performance.now() - opened;
        try {
          done(await runEngine(engine, plan, options, openMs));
        } finally {
          await engine.close();
        }
      } finally {
        if (options.keep) log(`kept ${scratch.url} (--keep)`);
        else await scratch.drop();
      }
    }
  }

  if (results.length > 0) printTable(results, options);
  skipped.forEach(log);
  for (const r of results) {
    printExplains(r, r.current, r.engine === 'postgres');
    if (r.candidate) printExplains(r, r.candidate, false);
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench:leaderboard: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
