import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIecDirectory } from '../../services/iec/iec-directory.js';
import { iecRefreshWorkflowId, TASK_QUEUE } from '../../workflows/iec-refresh/contract.js';
import { api, startStack, type Stack } from '../helpers/stack.js';

// The whole path of the foundation: API call → workflow → activity writing PostgreSQL → read back through the API.
const QA = 'AAQCF7001Z';

describe('foundation: API → workflow → PostgreSQL → API', () => {
  let stack: Stack;
  let fixture: string;
  let admin: string;
  let raj: string;
  let anita: string;

  beforeAll(async () => {
    fixture = path.join(process.cwd(), '.data/test', `iec-master-${process.pid}.json`);
    fs.mkdirSync(path.dirname(fixture), { recursive: true });
    // a test-only exporter, so that no other test file's use of the demo IECs changes these outcomes
    const master = JSON.parse(fs.readFileSync('db/fixtures/iec-master.json', 'utf8'));
    const rajRecord = master.exporters.find((e: any) => e.iec === 'AAACR5055K');
    master.exporters.push({ ...rajRecord, iec: QA, firmName: 'QA FOUNDATION EXPORTS PRIVATE LIMITED' });
    fs.writeFileSync(fixture, JSON.stringify(master, null, 2));
    stack = await startStack({ name: 'foundation', deps: { iecDirectory: new LocalIecDirectory(fixture) } });
    await stack.startWorker();
    admin = await stack.token({ sub: 'admin-1', name: 'Platform Admin', roles: ['admin'] });
    raj = await stack.token({ sub: `${QA}-1`, name: 'Raj Kumar Sharma', roles: ['exporter'], iec: QA });
    anita = await stack.token({ sub: 'u-anita', name: 'Anita Menon', roles: ['exporter'], iec: 'AABCS1429B' });
  });
  afterAll(async () => {
    await stack?.stop();
    fs.rmSync(fixture, { force: true });
  });

  it('reports ready with every dependency ok', async () => {
    const r = await api(stack, 'GET', '/readyz');
    expect(r.status).toBe(200);
    expect(r.body.checks).toMatchObject({ postgres: { ok: true }, migrations: { ok: true }, temporal: { ok: true } });
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas, and the API reference', async () => {
    const r = await api(stack, 'GET', '/openapi.json');
    expect(r.body.openapi).toBe('3.1.0');
    const op = r.body.paths['/v1/iec-master/{iec}/refresh'].post;
    expect(op.operationId).toBe('refreshIecRecord');
    expect(op.parameters.find((p: any) => p.name === 'iec').schema.pattern).toBe('^[A-Z0-9]{10}$');
    const docs = await fetch(stack.baseUrl + '/docs');
    expect(await docs.text()).toContain('swagger-ui-bundle.js');
    expect((await fetch(stack.baseUrl + '/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  });

  it('refreshes an IEC through the workflow, stores it, and reads it back', async () => {
    const r = await api(stack, 'POST', `/v1/iec-master/${QA}/refresh`, { token: admin });
    expect(r.status).toBe(200);
    expect(r.body.workflowId).toBe(iecRefreshWorkflowId(QA));
    expect(r.body.result.outcome).toBe('created');
    const desc = await stack.client.workflow.getHandle(r.body.workflowId).describe();
    expect(desc.taskQueue).toBe(TASK_QUEUE);
    expect(desc.status.name).toBe('COMPLETED');

    const rec = await api(stack, 'GET', `/v1/iec-master/${QA}`, { token: raj });
    expect(rec.status).toBe(200);
    expect(rec.body.firmName).toBe('QA FOUNDATION EXPORTS PRIVATE LIMITED');
    expect(rec.body.source).toBe('local');
  });

  it('records exactly what changed on a later refresh, and nothing when nothing changed', async () => {
    const again = await api(stack, 'POST', `/v1/iec-master/${QA}/refresh`, { token: raj });
    expect(again.body.result.outcome).toBe('unchanged');

    const data = JSON.parse(fs.readFileSync(fixture, 'utf8'));
    const list: any[] = Array.isArray(data) ? data : data.exporters;
    const rec = list.find((e) => e.iec === QA);
    const oldName = rec.firmName;
    rec.firmName = 'RAJ KUMAR GLOBAL EXPORTS PRIVATE LIMITED';
    fs.writeFileSync(fixture, JSON.stringify(data, null, 2));

    const r = await api(stack, 'POST', `/v1/iec-master/${QA}/refresh`, { token: admin });
    expect(r.body.result.outcome).toBe('updated');
    expect(r.body.result.changes).toEqual([{ field: 'firmName', before: oldName, after: 'RAJ KUMAR GLOBAL EXPORTS PRIVATE LIMITED' }]);
    const changes = await api(stack, 'GET', `/v1/iec-master/${QA}/changes`, { token: admin });
    expect(changes.body.items[0].changes[0].field).toBe('firmName');
  });

  it('answers an unknown IEC with a problem+json 404 and a specific message', async () => {
    const r = await api(stack, 'POST', '/v1/iec-master/ZZZZZ9999Z/refresh', { token: admin });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body).toMatchObject({ code: 'not_found', status: 404 });
    expect(r.body.detail).toContain('ZZZZZ9999Z');
  });

  it('validates input at the edge with field-level problems', async () => {
    const r = await api(stack, 'POST', '/v1/iec-master/abc/refresh', { token: admin });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('validation_failed');
    expect(r.body.errors[0].path).toBe('params/iec');
    const bad = await api(stack, 'POST', `/v1/iec-master/${QA}/refresh`, { token: admin, body: '{"oops":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toBe('The request body is not valid JSON.');
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.ts/);
  });

  it('refuses missing, forged and foreign tokens', async () => {
    expect((await api(stack, 'GET', `/v1/iec-master/${QA}`)).status).toBe(401);
    const forged = raj.slice(0, -4) + (raj.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await api(stack, 'GET', `/v1/iec-master/${QA}`, { token: forged })).status).toBe(401);
    // another exporter's IEC looks exactly like one that does not exist
    const other = await api(stack, 'GET', `/v1/iec-master/${QA}`, { token: anita });
    expect(other.status).toBe(404);
  });

  it('answers unknown routes with problem+json', async () => {
    const r = await api(stack, 'GET', '/v1/nope');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('not_found');
  });
});
