/**
 * Clear answers while a dependency is down: an API whose Temporal server cannot be reached answers the
 * business routes with 503 problem+json, Retry-After and the name of what is missing (not a 500 after a
 * long hang), while /healthz still answers and /readyz says which check fails.
 */
import type { Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { authenticatorFromConfig } from '../../api/http/auth.js';
import { createLogger } from '../../lib/logger.js';
import { createCompleteDraft } from '../helpers/drafts.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';

let stack: Stack;
let server: Server;
let base: string;
let raj: string;

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  stack = await startStack({ name: 'dependency-down' });
  await stack.startWorker();
  raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
  const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await closedPort()}` }), namespace: 'default' });
  const app = createApp({
    config: stack.config,
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', service: 'test:dependency-down' }),
    orm: stack.orm,
    temporal,
    authenticator: authenticatorFromConfig({ ...stack.config.auth, jwksUrl: undefined }, stack.devKey),
  });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await stack?.stop();
});

describe('Temporal unreachable', () => {
  it('answers a submission with 503, Retry-After and which dependency; the draft is untouched', async () => {
    const draft = await createCompleteDraft(stack, raj); // through the stack's own API, Temporal up
    const submit = () => fetch(`${base}/v1/applications/${draft.id}/submit`, { method: 'POST', headers: { authorization: `Bearer ${raj}` } });
    const res = await waitFor(submit, { what: 'a 503 from the API without Temporal', timeoutMs: 30_000, until: (r) => r.status === 503 });
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('5');
    const body = (await res.json()) as { code: string; dependency: string; detail: string };
    expect(body.code).toBe('dependency_unavailable');
    expect(body.dependency).toBe('temporal');
    expect(body.detail).toContain('The workflow service (Temporal) cannot be reached just now');
    expect((await api(stack, 'GET', `/v1/applications/${draft.id}`, { token: raj })).body.status).toBe('Draft');
  });

  it('keeps /healthz and the routes that need only PostgreSQL answering, and /readyz naming the failing check', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // after the outage was seen: a read of the draft list and the public captcha do not call Temporal
    expect((await fetch(`${base}/v1/public/captcha`)).status).toBe(200);
    expect((await fetch(`${base}/v1/applications`, { headers: { authorization: `Bearer ${raj}` } })).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, { ok: boolean }> };
    expect(body.checks.temporal?.ok).toBe(false);
    expect(body.checks.postgres?.ok).toBe(true);
  });
});
