/**
 * Faults during a batch of applications, on a stack of the file's own (its PostgreSQL and Temporal dev server,
 * the worker and the API as child processes, as `npm start` runs them). While a batch goes from submission to
 * certificate: PostgreSQL is killed and restarted, the worker and the API are killed (SIGKILL) and restarted,
 * the Temporal dev server is killed and restarted on its SQLite file; the exporter's and the officer's requests
 * are retried as a real client retries them (same Idempotency-Key). Then the whole stack is stopped in
 * `npm start`'s order in the middle of a second batch and started again. Every application must end Approved
 * with one certificate, one paid payment, one tax invoice, no notification and no audit event twice, and one
 * workflow run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm, type Orm } from '../../db/orm.js';
import { ApplicationRow, AuditEvent, CertificateRow, NotificationRow, PaymentRow, SignedVersion, TaxInvoiceRow } from '../../db/entities/index.js';
import { loadConfig } from '../../lib/config.js';
import { loadOrCreateDevKey, mintToken } from '../../lib/auth/dev-keys.js';
import type { Principal } from '../../lib/auth/roles.js';
import { temporalDataConverter } from '../../lib/temporal-codec.js';
import { freePort } from '../../scripts/infra/process.js';
import { api, type ApiResponse } from '../../scripts/lib/api-client.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { ensureTestPki } from '../../scripts/pki/test-pki.js';
import { applicationWorkflowId } from '../../workflows/application/contract.js';
import { createCompleteDraft } from '../helpers/drafts.js';
import { registerWithDsc, sign } from '../helpers/lifecycle.js';
import { apiProcess, migrateAndSeed, ownPostgres, ownTemporal, tails, workerProcess } from '../helpers/processes.js';
import { testServices } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';

/** Phase 1 (four kills) and phase 2 (a graceful stop of everything): the batch sizes are explained in the README. */
const BATCH = 8;
const GRACEFUL_BATCH = 4;
/** a step of one application may wait out an outage, a restart and a retried activity's timeout */
const STEP_MS = 90_000;

// under the run's test folder, which the global teardown removes
const dir = path.join(testServices().dataDir, 'fault-batch');
const pg = ownPostgres({ name: 'fault-batch' });
const temporal = ownTemporal({ dir });
let apiPort = 0;
const base = () => `http://127.0.0.1:${apiPort}`;
const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: 'test',
  DATA_DIR: dir,
  DATABASE_URL: pg.url,
  TEMPORAL_ADDRESS: temporal.address,
  API_HOST: '127.0.0.1',
  API_PORT: String(apiPort),
  PUBLIC_BASE_URL: base(),
  PAYMENT_GATEWAY_URL: `${base()}/sandbox/gateway`,
  // a callback lost with a killed API is found by asking the gateway
  APP_RECONCILE_EVERY: '2 seconds',
});
const worker = workerProcess(dir, env);
const apiServer = apiProcess(dir, env);
const target = { baseUrl: '' };
const t0 = Date.now();
/** what happened when, for a failure's message (FAULT_BATCH_TRACE=1 prints it as it happens) */
const timeline: string[] = [];
function trace(m: string): void {
  const line = `[fault-batch ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`;
  timeline.push(line);
  if (process.env.FAULT_BATCH_TRACE) process.stdout.write(`${line}\n`);
}
/** A failure carries the timeline and the last lines of the worker's and the API's logs. */
async function explained(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    // the API's 500s, from every start's log (the folder is gone after the run)
    const unhandled = fs
      .readdirSync(dir)
      .filter((f) => /^api-\d+\.log$/.test(f))
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l.includes('"msg":"unhandled error"')))
      .map((l) => l.slice(0, 1500));
    throw new Error(`${(e as Error).message}\n${timeline.join('\n')}\n${unhandled.slice(0, 5).join('\n')}\n${tails([worker.log(), apiServer.log()])}`, { cause: e });
  }
}
let orm: Orm;
let client: Client;
let pki: TestPki;
const t = {} as Record<'raj' | 'priya', string>;

beforeAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  trace('setup');
  await Promise.all([pg.prepare(), temporal.prepare()]);
  apiPort = await freePort();
  target.baseUrl = base();
  // the test PKI (its keys take a while) while the services start
  [pki] = await Promise.all([ensureTestPki(path.join(dir, 'pki')), pg.start().then(() => migrateAndSeed(pg.url)), temporal.start()]);
  trace('services up');
  const config = loadConfig(env());
  const devKey = await loadOrCreateDevKey(config.auth.devKeyFile);
  const token = (p: Principal) => mintToken(devKey, p, { issuer: config.auth.issuer, audience: config.auth.audience });
  t.raj = await token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
  t.priya = await token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
  await Promise.all([worker.start(), apiServer.start()]);
  trace('worker and api up');
  orm = await createOrm(pg.url);
  client = new Client({ connection: await Connection.connect({ address: temporal.address }), dataConverter: temporalDataConverter(config.temporal.codec) });
  await registerWithDsc(target, pki, t.raj, 'AAACR5055K', 'exporter-raj');
  trace('registered');
}, 180_000);

afterAll(async () => {
  await client?.connection.close();
  await orm?.close();
  await Promise.allSettled([apiServer.kill(), worker.kill()]);
  await temporal.kill();
  await pg.kill();
  pg.remove();
});

// --- a client that retries as a real one does --------------------------------------------------------
/** Answers a client retries: no answer at all (a killed API), 502/503/504 (a dependency down), and 500. */
const serverErrors: string[] = [];

/** One request, repeated with the same Idempotency-Key until it gets an answer that is not an outage's. */
async function request(method: string, url: string, opts: { token?: string; body?: unknown; key?: string; headers?: Record<string, string> }): Promise<ApiResponse> {
  return waitFor(
    async () => {
      try {
        const r = await api(target, method, url, { ...opts, headers: { ...(opts.key ? { 'idempotency-key': opts.key } : {}), ...opts.headers } });
        if (r.status >= 500) {
          if (r.status !== 503) serverErrors.push(`${method} ${url}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
          return undefined;
        }
        return r;
      } catch {
        return undefined; // connection refused or dropped: the API is not there
      }
    },
    { what: `an answer to ${method} ${url}`, timeoutMs: STEP_MS, intervalMs: 250 },
  );
}

async function expectStatus(r: ApiResponse, status: number, what: string): Promise<ApiResponse> {
  expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(status);
  return r;
}

/** The workflow's live state, through the API, until it says `status`. */
async function waitForStatus(id: string, status: string): Promise<void> {
  await waitFor(
    async () => {
      const r = await request('GET', `/v1/applications/${id}/workflow`, { token: t.raj });
      return r.status === 200 ? (r.body.status as string) : `${r.status} ${JSON.stringify(r.body)}`;
    },
    { what: `application ${id} to reach ${status}`, timeoutMs: STEP_MS, intervalMs: 200, until: (s) => s === status },
  );
}

type Stage = 'submitted' | 'signed' | 'ordered' | 'paid' | 'inProcess' | 'approved' | 'done';

function batchDriver(size: number) {
  const progress: Record<Stage, number> = { submitted: 0, signed: 0, ordered: 0, paid: 0, inProcess: 0, approved: 0, done: 0 };
  const reached = (stage: Stage) => {
    progress[stage]++;
    if (progress[stage] === size) trace(`all ${stage}`);
  };

  /** One application from its draft to its certificate, as the exporter and the officer drive it. */
  async function drive(draft: { id: string; number: string }, run: string): Promise<void> {
    const key = (step: string) => `${run}-${draft.number}-${step}`;
    const sub = await expectStatus(await request('POST', `/v1/applications/${draft.id}/submit`, { token: t.raj, key: key('submit') }), 202, `submission of ${draft.number}`);
    reached('submitted');
    const signature = sign(pki, 'exporter-raj', sub.body.signing.contentB64);
    await expectStatus(await request('POST', `/v1/applications/${draft.id}/signature`, { token: t.raj, key: key('sign'), body: { signatureB64: signature } }), 200, `signature of ${draft.number}`);
    reached('signed');
    await waitForStatus(draft.id, 'Pending Payment');
    const order = await expectStatus(await request('POST', `/v1/applications/${draft.id}/payment`, { token: t.raj, key: key('pay'), body: { method: 'gateway' } }), 200, `payment of ${draft.number}`);
    reached('ordered');
    // the exporter's bank, at the gateway's checkout page: asked again until it answers
    await expectStatus(
      await request('POST', `/sandbox/gateway/checkout/${encodeURIComponent(order.body.orderId)}/pay`, { body: { outcome: 'success' }, headers: { accept: 'application/json' } }),
      200,
      `the gateway's checkout of ${draft.number}`,
    );
    reached('paid');
    await waitForStatus(draft.id, 'In-Process');
    reached('inProcess');
    await expectStatus(await request('POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.priya, key: key('approve') }), 200, `approval of ${draft.number}`);
    reached('approved');
    await waitForStatus(draft.id, 'Approved');
    reached('done');
  }

  /** Resolves once `n` applications have passed `stage`. */
  const when = (stage: Stage, n: number) => waitFor(() => progress[stage] >= n, { what: `${n} applications ${stage}`, timeoutMs: STEP_MS * 2, show: () => progress });

  /** A fault, done while the batch is under way; what it found is kept for the assertions. */
  const faults: { what: string; during: Record<Stage, number> }[] = [];
  async function fault(what: string, fn: () => Promise<void>): Promise<void> {
    faults.push({ what, during: { ...progress } });
    trace(`${what} during ${JSON.stringify(progress)}`);
    await fn();
    trace(`${what}: recovered`);
  }

  return { progress, drive, when, fault, faults, size };
}

async function drafts(n: number): Promise<{ id: string; number: string }[]> {
  const out: { id: string; number: string }[] = [];
  // three at a time: the API and the worker share two cores with everything else
  for (let i = 0; i < n; i += 3) out.push(...(await Promise.all(Array.from({ length: Math.min(3, n - i) }, () => createCompleteDraft(target, t.raj)))));
  return out;
}

/** Everything a settled application must have, once and only once. */
async function expectSettled(apps: { id: string; number: string }[]): Promise<void> {
  // every workflow completed (a condition on the server, not a pause)
  for (const a of apps) await client.workflow.getHandle(applicationWorkflowId(a.number)).result();
  const em = orm.em.fork();
  const ids = apps.map((a) => a.id);
  // (text messages wait in the outbox for an SMS provider this stack does not have)
  await waitFor(() => orm.em.fork().count(NotificationRow, { applicationId: { $in: ids }, channel: 'email', sentAt: null }), { what: 'every e-mail of the batch sent', until: (n) => n === 0 });
  for (const a of apps) {
    const row = await em.findOneOrFail(ApplicationRow, { id: a.id });
    expect(row.status, a.number).toBe('Approved');
    const certificates = await em.find(CertificateRow, { applicationId: a.id });
    expect(certificates, `certificates of ${a.number}`).toHaveLength(1);
    const payments = await em.find(PaymentRow, { applicationId: a.id });
    expect(payments.map((p) => p.status), `payments of ${a.number}`).toEqual(['paid']);
    expect(await em.count(TaxInvoiceRow, { applicationId: a.id }), `tax invoices of ${a.number}`).toBe(1);
    expect(await em.count(SignedVersion, { applicationId: a.id }), `signed versions of ${a.number}`).toBe(1);
    const audit = await em.find(AuditEvent, { subjectId: a.number }, { orderBy: { id: 'asc' } });
    expect(audit.map((e) => e.action), `audit events of ${a.number}`).toEqual(['submitted-for-signature', 'signed', 'paid-and-submitted', 'approved', 'certificate-issued']);
    // and nothing twice about its file number or its certificate either
    const related = await em.find(AuditEvent, { subjectId: { $in: [row.fileNumber!, certificates[0]!.number] } });
    const perSubject = new Map<string, number>();
    for (const e of related) perSubject.set(`${e.subjectType}/${e.subjectId}/${e.action}`, (perSubject.get(`${e.subjectType}/${e.subjectId}/${e.action}`) ?? 0) + 1);
    expect([...perSubject].filter(([, n]) => n > 1), `audit events twice about ${a.number}`).toEqual([]);
    const notifications = await em.find(NotificationRow, { applicationId: a.id });
    const perKind = new Map<string, number>();
    for (const n of notifications) perKind.set(`${n.channel}/${n.template}/${n.recipient}`, (perKind.get(`${n.channel}/${n.template}/${n.recipient}`) ?? 0) + 1);
    expect(notifications.length, `notifications of ${a.number}`).toBeGreaterThan(0);
    expect([...perKind].filter(([, n]) => n > 1), `notifications sent twice for ${a.number}`).toEqual([]);
    const runs: string[] = [];
    for await (const w of client.workflow.list({ query: `WorkflowId = '${applicationWorkflowId(a.number)}'` })) runs.push(`${w.runId} ${w.status.name}`);
    expect(runs, `workflow runs of ${a.number}`).toHaveLength(1);
    expect(runs[0]).toMatch(/ COMPLETED$/);
  }
  expect(await em.count(CertificateRow, { applicationId: { $in: ids } })).toBe(apps.length);
}

describe('faults during a batch of applications', () => {
  it(`PostgreSQL, the worker, the API and Temporal killed and restarted during a batch of ${BATCH}: every application Approved, nothing twice`, async () => {
    const apps = await drafts(BATCH);
    const batch = batchDriver(BATCH);
    const half = Math.ceil(BATCH / 2);
    const faults = (async () => {
      await batch.when('submitted', Math.ceil(BATCH / 3));
      await batch.fault('PostgreSQL killed', async () => {
        await pg.kill();
        await pg.start();
      });
      // gateway orders open, callbacks and signatures in flight
      await batch.when('ordered', half);
      await batch.fault('worker and API killed', async () => {
        await Promise.all([worker.kill(), apiServer.kill()]);
        await Promise.all([worker.start(), apiServer.start()]);
      });
      await batch.when('inProcess', half);
      await batch.fault('Temporal killed', async () => {
        await temporal.kill();
        await temporal.start();
      });
    })();
    await explained(async () => {
      await Promise.all([faults, ...apps.map((a) => batch.drive(a, 'kill'))]);
      // each fault struck while the batch was under way
      expect(batch.faults.map((f) => f.what)).toEqual(['PostgreSQL killed', 'worker and API killed', 'Temporal killed']);
      for (const f of batch.faults) expect(f.during.done, `${f.what} before the batch was done`).toBeLessThan(BATCH);
      await expectSettled(apps);
      // while a dependency was down the API said so (503), never a 500
      expect(serverErrors.join('\n')).toBe('');
    });
  }, 240_000);

  it(`the whole stack stopped in npm start's order during a batch of ${GRACEFUL_BATCH} and started again: nothing lost, nothing twice`, async () => {
    serverErrors.length = 0;
    const apps = await drafts(GRACEFUL_BATCH);
    const batch = batchDriver(GRACEFUL_BATCH);
    const stopStart = (async () => {
      await batch.when('signed', Math.ceil(GRACEFUL_BATCH / 2));
      await batch.fault('stack stopped', async () => {
        // Ctrl-C under npm start: the API and the worker (SIGTERM) first, then Temporal, PostgreSQL last
        await Promise.all([apiServer.stop(), worker.stop()]);
        await temporal.stop();
        await pg.stop();
        await pg.start();
        await temporal.start();
        await Promise.all([worker.start(), apiServer.start()]);
      });
    })();
    await explained(async () => {
      await Promise.all([stopStart, ...apps.map((a) => batch.drive(a, 'stop'))]);
      expect(batch.faults[0]!.during.done).toBeLessThan(GRACEFUL_BATCH);
      await expectSettled(apps);
      expect(serverErrors.join('\n')).toBe('');
    });
  }, 180_000);
});
