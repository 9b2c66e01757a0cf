/**
 * Benchmark: N applications driven from submission to Approved through the HTTP API (sign with the
 * DSC, pay from the e-wallet, an automatic officer approves as soon as the file is In-Process), on a
 * real PostgreSQL and Temporal dev server started here — next to a bare workflow running the same
 * number of no-op activities on the same server, in the same run. The ratio is our overhead.
 *
 * With --requests, the N certificates so issued then get a request for a duplicate each (created, with
 * its supporting document, before the clock starts), driven the same way from submission to the issued
 * duplicate: a request's lifecycle against the application's, in the same run.
 *
 *   npx tsx scripts/bench/lifecycle.ts [N=40] [concurrency=8] [--requests]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalServices } from '../infra/local-services.js';
import { WalletRow } from '../../db/entities/index.js';
import { ensureTestPki } from '../pki/test-pki.js';
import { createDetachedSignature } from '../../domain/identity/create-signature.js';
import { applicationWorkflowId, stateQuery, TASK_QUEUE } from '../../workflows/application/contract.js';
import { fileWorkflowOf } from '../../workflows/certificate-request/contract.js';
import type { FileKind } from '../../domain/application/file-status.js';
import { api } from '../lib/api-client.js';
import { createCompleteDraft, invoicePdf } from '../lib/sample-application.js';
import { startStack, type Stack } from '../lib/stack.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const N = Number(positional[0] ?? 40);
const CONCURRENCY = Number(positional[1] ?? 8);
const REQUESTS = process.argv.includes('--requests');

function must<T extends { status: number; body: any }>(r: T, status: number | number[], what: string): T {
  if (!(Array.isArray(status) ? status : [status]).includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<number>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        latencies.push(await fn(item));
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), seconds: (performance.now() - start) / 1000 };
}

// under the system's temporary folder, which the embedded PostgreSQL's own user can always reach
const dir = path.join(os.tmpdir(), `coo-bench-${process.pid}`);
fs.mkdirSync(dir, { recursive: true });
fs.chmodSync(dir, 0o755);
const services = await startLocalServices({ name: 'bench', logDir: dir, database: 'bench', persistTemporal: true, onProgress: (l) => console.log(l) });
const pg = { url: services.databaseUrl };
const temporal = { address: services.temporalAddress };
let stack: Stack | undefined;
try {

  stack = await startStack({ name: 'bench', services: { databaseUrl: pg.url, temporalAddress: temporal.address, dataDir: dir } });
  const pki = await ensureTestPki(path.join(stack.dir, 'pki'));
  await stack.startWorker();
  const raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
  const officer = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
  const id = pki.identities['exporter-raj']!;
  const signB64 = (b64: string) =>
    createDetachedSignature({ content: Buffer.from(b64, 'base64'), signer: { privateKey: id.keyPem, certificatePem: id.certPem, chainPems: [pki.subCaPem] } }).toString('base64');
  must(await api(stack, 'POST', '/v1/exporters', { token: raj, body: { iec: 'AAACR5055K' } }), [200, 201], 'register');
  const ch = must(await api(stack, 'POST', '/v1/me/dsc/challenge', { token: raj }), 201, 'challenge');
  must(await api(stack, 'POST', '/v1/me/dsc', { token: raj, body: { challengeId: ch.body.challengeId, certificate: id.certPem, signature: signB64(ch.body.contentBase64) } }), [200, 201], 'dsc');
  const em = stack.orm.em.fork();
  await em.upsert(WalletRow, { iec: 'AAACR5055K', officeCode: 'EIC-MUM', balancePaise: 1_000_000_000 });

  console.log(`setting up ${N} complete drafts…`);
  const drafts = [];
  for (let i = 0; i < N + 2; i++) drafts.push({ ...(await createCompleteDraft(stack, raj)), kind: 'application' as const });

  const waitFor = async (file: { kind: FileKind; number: string }, status: string) => {
    const h = stack!.client.workflow.getHandle(fileWorkflowOf(file).workflowId);
    for (;;) {
      const s = await h.query(stateQuery);
      if (s.status === status) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const run = async (d: { id: string; number: string; kind: FileKind }) => {
    const t0 = performance.now();
    const sub = must(await api(stack!, 'POST', `/v1/applications/${d.id}/submit`, { token: raj }), 202, 'submit');
    must(await api(stack!, 'POST', `/v1/applications/${d.id}/signature`, { token: raj, body: { signatureB64: signB64(sub.body.signing.contentB64) } }), 200, 'sign');
    await waitFor(d, 'Pending Payment');
    must(await api(stack!, 'POST', `/v1/applications/${d.id}/payment`, { token: raj, body: { method: 'ewallet' } }), 200, 'pay');
    await waitFor(d, 'In-Process');
    must(await api(stack!, 'POST', `/v1/applications/${d.id}/decisions/approve`, { token: officer }), 200, 'approve');
    await stack!.client.workflow.getHandle(fileWorkflowOf(d).workflowId).result();
    return performance.now() - t0;
  };

  // warm-up (and the activity count of one application run)
  await run(drafts[N]!);
  await run(drafts[N + 1]!);
  let activities = 0;
  for (const e of (await stack.client.workflow.getHandle(applicationWorkflowId(drafts[N]!.number)).fetchHistory()).events ?? []) {
    if (e.activityTaskScheduledEventAttributes) activities++;
  }

  const app = await pool(drafts.slice(0, N), CONCURRENCY, run);

  // requests for a duplicate of each certificate just issued (set up before the clock starts)
  let req: { latencies: number[]; seconds: number } | undefined;
  if (REQUESTS) {
    console.log(`setting up ${N} requests for a duplicate…`);
    const evidence = Buffer.from(await invoicePdf('AFFIDAVIT/1'));
    const requests = [];
    for (const d of drafts.slice(0, N)) {
      const cert = (await stack.client.workflow.getHandle(applicationWorkflowId(d.number)).query(stateQuery)).certificateNumber!;
      const r = must(await api(stack, 'POST', '/v1/certificate-requests', { token: raj, body: { certificateNumber: cert, kind: 'duplicate', reason: 'Lost in transit.' } }), 201, 'request');
      const up = await fetch(`${stack.baseUrl}/v1/certificate-requests/${r.body.id}/supporting-documents?fileName=affidavit.pdf`, {
        method: 'POST',
        headers: { authorization: `Bearer ${raj}`, 'content-type': 'application/pdf' },
        body: evidence,
      });
      if (up.status !== 201) throw new Error(`supporting document: HTTP ${up.status}`);
      requests.push({ id: r.body.id as string, number: r.body.number as string, kind: 'duplicate' as const });
    }
    req = await pool(requests, CONCURRENCY, run);
  }
  let k = 0;
  const base = await pool(Array.from({ length: N }, (_, i) => i), CONCURRENCY, async () => {
    const t0 = performance.now();
    await stack!.client.workflow.execute('benchNoopWorkflow', { taskQueue: TASK_QUEUE, workflowId: `bench-noop/${process.pid}/${k++}`, args: [activities] });
    return performance.now() - t0;
  });

  const fmt = (r: { latencies: number[]; seconds: number }) =>
    `${(N / r.seconds).toFixed(2).padStart(7)} /s   p50 ${percentile(r.latencies, 50).toFixed(0).padStart(6)} ms   p99 ${percentile(r.latencies, 99).toFixed(0).padStart(6)} ms`;
  console.log(`\n${N} runs, concurrency ${CONCURRENCY}, ${os.cpus().length} cores, Temporal dev server (SQLite) + embedded PostgreSQL on this machine`);
  console.log(`each application: ${activities} activities, 3 updates (sign, pay, approve), 5 HTTP calls + state polling`);
  console.log(`application, submission → Approved   ${fmt(app)}`);
  if (req) console.log(`duplicate request, submission → issued ${fmt(req)}`);
  console.log(`bare workflow, ${activities} no-op activities  ${fmt(base)}`);
  console.log(`ratio (bare / application throughput): ${(N / base.seconds / (N / app.seconds)).toFixed(2)}×; p50 latency ratio ${(percentile(app.latencies, 50) / percentile(base.latencies, 50)).toFixed(2)}×`);
} finally {
  await stack?.stop();
  await services.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
