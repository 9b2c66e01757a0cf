import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffUserRow } from '../../db/entities/index.js';
import { api, startStack, type Stack } from '../helpers/stack.js';

// Issue 12 item 8: every administrative action is in the audit trail and the platform administrator reads it.
describe('the audit trail over HTTP', () => {
  let stack: Stack;
  const t = {} as Record<'platform' | 'eicAdmin', string>;

  beforeAll(async () => {
    stack = await startStack({ name: 'audit-events' });
    t.platform = await stack.token({ sub: 'platform-admin', name: 'DGFT Administrator', roles: ['admin'] });
    // an administrator and an office (EIC Delhi) no other test file acts as or edits: the database is shared by the test files
    const em = stack.orm.em.fork();
    em.create(StaffUserRow, { id: 'admin-eic-audit', role: 'agency-admin', name: 'Audit Reader', email: 'audit.reader@eicindia.example', designation: 'Joint Director', agencyCode: 'EIC', officeCode: null, active: true, createdAt: new Date() });
    await em.flush();
    t.eicAdmin = await stack.token({ sub: 'admin-eic-audit', name: 'Audit Reader', roles: ['agency-admin'], agencyCode: 'EIC' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("shows an office edit's before and after to the platform administrator, newest first, filtered and paged; an agency administrator is refused", async () => {
    const first = await api(stack, 'PATCH', '/v1/offices/EIC-DEL', { token: t.eicAdmin, body: { phone: '+91 11 2374 1111' } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const second = await api(stack, 'PATCH', '/v1/offices/EIC-DEL', { token: t.eicAdmin, body: { phone: '+91 11 2374 2222' } });
    expect(second.status, JSON.stringify(second.body)).toBe(200);

    const list = await api(stack, 'GET', '/v1/audit-events?subjectType=office&subjectId=EIC-DEL&action=office.edited', { token: t.platform });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items[0]).toMatchObject({
      subjectType: 'office',
      subjectId: 'EIC-DEL',
      action: 'office.edited',
      actor: 'admin-eic-audit (Audit Reader)',
      channel: 'api',
      details: { changed: { phone: { before: '+91 11 2374 1111', after: '+91 11 2374 2222' } } },
    });
    expect(list.body.items[1].details.changed.phone.after).toBe('+91 11 2374 1111');
    expect(Date.parse(list.body.items[0].at)).toBeGreaterThanOrEqual(Date.parse(list.body.items[1].at));

    const byActor = await api(stack, 'GET', '/v1/audit-events?actor=admin-eic-audit&pageSize=1&page=2', { token: t.platform });
    expect(byActor.status).toBe(200);
    expect(byActor.body).toMatchObject({ page: 2, pageSize: 1, total: 2, totalPages: 2 });
    expect(byActor.body.items[0].details.changed.phone.after).toBe('+91 11 2374 1111');
    expect((await api(stack, 'GET', '/v1/audit-events?actor=admin', { token: t.platform })).body.total).toBe(0);

    const today = new Date().toISOString();
    const future = await api(stack, 'GET', `/v1/audit-events?subjectId=EIC-DEL&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { token: t.platform });
    expect(future.body.total).toBe(0);
    const past = await api(stack, 'GET', `/v1/audit-events?subjectId=EIC-DEL&action=office.edited&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&from=2026-01-01`, { token: t.platform });
    expect(past.body.total, today).toBe(2);
    const bad = await api(stack, 'GET', '/v1/audit-events?from=yesterday', { token: t.platform });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');

    const refused = await api(stack, 'GET', '/v1/audit-events', { token: t.eicAdmin });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('admin');
  });
});
