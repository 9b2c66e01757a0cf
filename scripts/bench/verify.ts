/**
 * Requests per second of the public JSON verification endpoint on its QR-link path
 * (GET /v1/public/certificates?no=…&t=…, no captcha) through the real API (Express, its middleware,
 * MikroORM) on a real PostgreSQL, next to a plain node:http server that does the same row lookup with
 * `pg` and returns the row as JSON, measured in the same run.
 *
 *   npx tsx scripts/bench/verify.ts [requests per round, default 3000] [concurrency, default 16] [rounds, default 3]
 *
 * Loopback only. An embedded PostgreSQL starts in a temporary folder (removed afterwards) with 1,000
 * issued certificates; requests cycle through them. The load generator runs in a worker thread so it
 * does not share the servers' event loop. Rounds alternate between the two servers so that both see the
 * same machine conditions. The API's rate limiter (its buckets in PostgreSQL) stays in the path with a limit no
 * run reaches; requests come from 1,000 client addresses (X-Forwarded-For through a trusted loopback proxy),
 * as public verification traffic does, so they do not all queue on one client's bucket. For
 * scale, the API's /healthz (no database) is measured too: the floor of Express and its middleware.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app.js';
import { authenticatorFromConfig } from '../../api/http/auth.js';
import { sampleOmanCertificate } from '../../services/certificate/samples.js';
import { createOrm, migrate } from '../../db/orm.js';
import { seed } from '../../db/seed.js';
import { loadConfig } from '../../lib/config.js';
import { temporalDataConverter } from '../../lib/temporal-codec.js';
import { startEmbeddedPostgres } from '../infra/postgres.js';
import { freePort } from '../infra/process.js';
import { createLogger } from '../../lib/logger.js';

const perRound = Math.min(Number(process.argv[2] ?? 3000), 50_000);
const concurrency = Math.min(Number(process.argv[3] ?? 16), 128);
const rounds = Math.min(Number(process.argv[4] ?? 3), 10);
const CERTIFICATES = 1000;

/** The load generator (plain JavaScript, evaluated in a worker thread): keep-alive sockets, a fixed number of requests. */
const LOAD = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, paths, total, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latencies = new Float64Array(total);
let next = 0, done = 0, failed = 0, bytes = 0;
const start = performance.now();
function one() {
  if (next >= total) return;
  const i = next++;
  const t = performance.now();
  const client = i % 1000; // 1,000 client addresses, as public traffic comes from many (a trusted loopback proxy passes them on)
  const req = http.get({ host: '127.0.0.1', port, path: paths[i % paths.length], agent, headers: { 'x-forwarded-for': '198.51.' + (client >> 8) + '.' + (client & 255) } }, (res) => {
    res.on('data', (c) => { bytes += c.length; });
    res.on('end', () => {
      if (res.statusCode !== 200) failed++;
      latencies[i] = performance.now() - t;
      if (++done === total) finish(); else one();
    });
  });
  req.on('error', () => { failed++; latencies[i] = performance.now() - t; if (++done === total) finish(); else one(); });
}
function finish() {
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  parentPort.postMessage({ seconds, failed, bytes, p50: sorted[Math.floor(total * 0.5)], p99: sorted[Math.floor(total * 0.99)] });
}
for (let k = 0; k < concurrency; k++) one();
`;

interface RoundResult {
  seconds: number;
  failed: number;
  bytes: number;
  p50: number;
  p99: number;
}

function load(port: number, paths: readonly string[], total: number): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD, { eval: true, workerData: { port, paths, total, concurrency } });
    w.once('message', (m: RoundResult) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'coo-bench-verify-'));
  // run as root, embedded PostgreSQL initialises its folder as another user
  await chmod(dir, 0o755);
  const pgServer = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: await freePort(), database: 'coo_bench' });
  let apiServer: Server | undefined;
  let plainServer: Server | undefined;
  let pool: pg.Pool | undefined;
  let orm: Awaited<ReturnType<typeof createOrm>> | undefined;
  let connection: Connection | undefined;
  try {
    orm = await createOrm(pgServer.url);
    await migrate(orm);
    await seed(orm, { demo: true, keys: loadConfig({ NODE_ENV: 'test' }).temporal.codec });

    // 1,000 issued certificates with their frozen documents, as issuance leaves them
    const certs: { number: string; token: string }[] = [];
    const conn = orm.em.fork().getConnection();
    for (let i = 0; i < CERTIFICATES; i++) {
      const number = `EIC/2026/031/${String(i + 1).padStart(7, '0')}A`;
      const token = randomBytes(24).toString('base64url');
      const doc = sampleOmanCertificate({ number, items: 3 });
      const issuedAt = new Date(Date.UTC(2026, 5, 2, 9, 0, i % 60));
      const document = {
        applicationNumber: `DRAFTCOOAPPLY${String(i).padStart(8, '0')}AM26`,
        fileNumber: null,
        tabs: {},
        certificate: doc,
        signature: { commonName: 'EIC-MUM e-Seal', serialNumber: '537C999DEC8FA184A614BDE14EF82284', organization: 'Export Inspection Council of India', signedAt: issuedAt.toISOString(), pageCount: 1 },
      };
      await conn.execute(
        `insert into certificate (number, application_id, kind, original_number, iec, agency_code, office_code, agreement_code, status, issued_by, issued_at, document, verification_token, history, pdf_sha256)
         values (?, ?, 'original', null, 'AAACR5055K', 'EIC', 'EIC-MUM', 'IOCEPA', 'issued', 'officer-eic-mum', ?, ?::jsonb, ?, ?::jsonb, ?)`,
        [number, randomUUID(), issuedAt, JSON.stringify(document), token, JSON.stringify([{ at: issuedAt.toISOString(), event: 'issued', note: 'by Priya Deshpande' }]), randomBytes(32).toString('hex')],
      );
      certs.push({ number, token });
    }

    // the real API, as api/main.ts builds it (logs silenced; Temporal is not used by these routes)
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dir,
      DATABASE_URL: pgServer.url,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      TRUST_PROXY: 'loopback',
      VERIFY_RATE_LIMIT_PER_MINUTE: '1000000000',
      VERIFY_RATE_LIMIT_BURST: '1000000000',
    });
    connection = Connection.lazy({ address: config.temporal.address! });
    const app = createApp({
      config,
      logger: createLogger({ level: 'silent', service: 'bench' }),
      orm,
      temporal: new Client({ connection, dataConverter: temporalDataConverter(config.temporal.codec) }),
      authenticator: authenticatorFromConfig({ ...config.auth, jwksUrl: undefined }),
    });
    apiServer = createServer(app);
    const apiPort = await listen(apiServer);

    // the same row lookup, by hand: node:http + pg, same pool size as the ORM's
    pool = new pg.Pool({ connectionString: pgServer.url, max: 20 });
    pool.on('error', () => undefined); // idle clients cut off at shutdown
    const p = pool;
    plainServer = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const no = url.searchParams.get('no') ?? '';
      const t = Buffer.from(url.searchParams.get('t') ?? '');
      p.query('select number, status, issued_at, document, history, pdf_sha256, verification_token from certificate where number = $1', [no]).then(
        (r) => {
          const row = r.rows[0] as { verification_token: string; [k: string]: unknown } | undefined;
          const stored = Buffer.from(row?.verification_token ?? '');
          if (!row || stored.length !== t.length || !timingSafeEqual(stored, t)) {
            res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"not_found"}');
            return;
          }
          const { verification_token: _token, ...visible } = row;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(visible));
        },
        () => res.writeHead(500).end(),
      );
    });
    const plainPort = await listen(plainServer);

    const apiPaths = certs.map((c) => `/v1/public/certificates?no=${c.number}&t=${c.token}`);
    const plainPaths = certs.map((c) => `/verify?no=${c.number}&t=${c.token}`);
    for (const [port, paths] of [[apiPort, apiPaths], [plainPort, plainPaths]] as const) {
      const check = await fetch(`http://127.0.0.1:${port}${paths[0]}`);
      if (check.status !== 200) throw new Error(`warm-up request to port ${port} answered ${check.status}: ${await check.text()}`);
      await load(port, paths, Math.min(1000, perRound));
    }

    console.log(
      `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()[0]?.toFixed(2)}; ` +
        `${rounds} rounds × ${perRound} requests per server, ${concurrency} concurrent keep-alive connections, ${CERTIFICATES} certificates`,
    );
    const series = () => ({ n: 0, s: 0, failed: 0, bytes: 0, p50: [] as number[], p99: [] as number[] });
    const totals = { api: series(), plain: series(), floor: series() };
    const LABEL = { api: 'API   ', plain: 'plain ', floor: 'floor ' };
    for (let r = 1; r <= rounds; r++) {
      for (const [name, port, paths] of [['api', apiPort, apiPaths], ['plain', plainPort, plainPaths], ['floor', apiPort, ['/healthz']]] as const) {
        const m = await load(port, paths, perRound);
        const t = totals[name];
        t.n += perRound;
        t.s += m.seconds;
        t.failed += m.failed;
        t.bytes += m.bytes;
        t.p50.push(m.p50);
        t.p99.push(m.p99);
        console.log(`  round ${r} ${LABEL[name]} ${(perRound / m.seconds).toFixed(0).padStart(7)} req/s   p50 ${m.p50.toFixed(2)} ms   p99 ${m.p99.toFixed(2)} ms${m.failed ? `   ${m.failed} FAILED` : ''}`);
      }
    }
    const rate = (t: (typeof totals)['api']) => t.n / t.s;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const line = (label: string, t: (typeof totals)['api']) =>
      console.log(
        `  ${label.padEnd(62)} ${rate(t).toFixed(0).padStart(7)} req/s   p50 ${median(t.p50).toFixed(2)} ms   p99 ${median(t.p99).toFixed(2)} ms   ${Math.round(t.bytes / t.n)} B/response${t.failed ? `   ${t.failed} FAILED` : ''}`,
      );
    line('API: GET /v1/public/certificates?no&t (Express, MikroORM)', totals.api);
    line('plain node:http + pg: same row by number, token check, JSON', totals.plain);
    line('for scale, the API\'s GET /healthz (Express + middleware, no database)', totals.floor);
    console.log(`  ratio: the plain server answers ${(rate(totals.plain) / rate(totals.api)).toFixed(1)}× as many requests per second as the API`);
  } finally {
    // PostgreSQL stopping ends the pools' idle connections ("admin shutdown", 57P01): expected here
    process.on('uncaughtException', (e) => {
      if ((e as { code?: string }).code !== '57P01') throw e;
    });
    await new Promise((r) => (apiServer ? apiServer.close(r) : r(undefined)));
    await new Promise((r) => (plainServer ? plainServer.close(r) : r(undefined)));
    await pool?.end();
    await connection?.close().catch(() => undefined);
    await orm?.close();
    await pgServer.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
