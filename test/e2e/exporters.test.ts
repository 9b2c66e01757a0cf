import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IecDirectoryUnavailable, LocalIecDirectory, type IecDirectory, type IecMasterRecord } from '../../services/iec/iec-directory.js';
import { ExporterAccount, ExporterUser } from '../../db/entities/index.js';
import { exporterRegistrationWorkflowId, TASK_QUEUE } from '../../workflows/exporter-registration/contract.js';
import { api, startStack, type Stack } from '../helpers/stack.js';

/** The local IEC master, failing the first `failures[iec]` fetches of an IEC the way DGFT's API goes down (seed 001 FAQ 6). */
class FlakyDirectory implements IecDirectory {
  readonly source = 'local' as const;
  readonly calls = new Map<string, number>();
  constructor(
    private readonly inner: IecDirectory,
    private readonly failures: Record<string, number>,
  ) {}
  async fetch(iec: string): Promise<IecMasterRecord | null> {
    const n = (this.calls.get(iec) ?? 0) + 1;
    this.calls.set(iec, n);
    if (n <= (this.failures[iec] ?? 0)) throw new IecDirectoryUnavailable('IEC master answered HTTP 503');
    return this.inner.fetch(iec);
  }
}

// A test-only exporter, so that these assertions do not depend on what other test files registered.
const ZETA = 'AAECZ4242M';
const zetaRecord = {
  iec: ZETA,
  pan: ZETA,
  firmName: 'ZETA TEST EXPORTS PRIVATE LIMITED',
  entityType: 'private_limited_company',
  dateOfIssue: '2015-04-01',
  status: 'active',
  email: 'exports@zeta.example',
  mobile: '+91 9000000001',
  registeredAddress: { line1: '1 Test Street', city: 'Pune', state: 'Maharashtra', pincode: '411001' },
  directors: [{ name: 'Zoya Khan', designation: 'Director' }],
  branches: [{ branchCode: '01', address: { line1: '1 Test Street', city: 'Pune', state: 'Maharashtra', pincode: '411001' }, gstin: null, state: 'Maharashtra', gstStateCode: '27', isSez: false }],
  aeoNumber: null,
  users: [
    { name: 'Zoya Khan', email: 'zoya.khan@zeta.example', mobile: '+91 9000000002', role: 'master' },
    { name: 'Yusuf Ali', email: 'yusuf.ali@zeta.example', mobile: '+91 9000000003', role: 'additional' },
  ],
};

describe('exporter registration and user mapping (API → workflow → IEC master → PostgreSQL)', () => {
  let stack: Stack;
  let fixture: string;
  let flaky: FlakyDirectory;
  const t = {} as Record<'zoya' | 'yusuf' | 'zoyaWrongIec' | 'bengal' | 'nobody' | 'anita' | 'helpdesk' | 'officer', string>;

  beforeAll(async () => {
    stack = await startStack({ name: 'exporters' });
    fixture = path.join(stack.dir, 'iec-master.json');
    const master = JSON.parse(fs.readFileSync('db/fixtures/iec-master.json', 'utf8'));
    master.exporters.push(zetaRecord);
    fs.writeFileSync(fixture, JSON.stringify(master, null, 2));
    flaky = new FlakyDirectory(new LocalIecDirectory(fixture), { [ZETA]: 2 });
    await stack.startWorker({ iecDirectory: flaky });
    const exporter = (sub: string, name: string, iec: string) => stack.token({ sub, name, roles: ['exporter'], iec });
    t.zoya = await exporter(`${ZETA}-1`, 'Zoya Khan', ZETA);
    t.yusuf = await exporter(`${ZETA}-2`, 'Yusuf Ali', ZETA);
    t.zoyaWrongIec = await stack.token({ sub: `${ZETA}-1`, name: 'Zoya Khan', roles: ['exporter'], iec: 'AAACR5055K' });
    t.bengal = await exporter('AAKFB3310D-1', 'Abhijit Ghosh', 'AAKFB3310D');
    t.nobody = await exporter('ZZZZZ9999Z-1', 'Nobody', 'ZZZZZ9999Z');
    t.anita = await exporter('AABCS1429B-1', 'Anita Menon', 'AABCS1429B');
    t.helpdesk = await stack.token({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
    t.officer = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('documents the operations in the OpenAPI document', async () => {
    const r = await api(stack, 'GET', '/openapi.json');
    const reg = r.body.paths['/v1/exporters'].post;
    expect(reg.operationId).toBe('registerExporter');
    expect(reg.summary).toMatch(/master user/);
    expect(reg.description).toContain('FAQ 5');
    expect(Object.keys(reg.responses)).toEqual(expect.arrayContaining(['200', '201', '202', '401', '403', '422']));
    expect(r.body.paths['/v1/exporters/{iec}/users'].post.operationId).toBe('mapExporterUser');
    expect(r.body.paths['/v1/exporters/{iec}'].get['x-roles']).toEqual(['exporter', 'helpdesk', 'admin']);
  });

  it('refuses a suspended IEC with a clear message, and creates nothing', async () => {
    const r = await api(stack, 'POST', '/v1/exporters', { token: t.bengal, body: { iec: 'AAKFB3310D' } });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.code).toBe('iec_inactive');
    expect(r.body.detail).toContain('IEC AAKFB3310D is suspended in DGFT');
    expect(r.body.iecStatus).toBe('suspended');
    expect(await stack.orm.em.fork().count(ExporterAccount, { iec: 'AAKFB3310D' })).toBe(0);
  });

  it('answers an IEC unknown to the IEC master with 404', async () => {
    const r = await api(stack, 'POST', '/v1/exporters', { token: t.nobody, body: { iec: 'ZZZZZ9999Z' } });
    expect(r.status).toBe(404);
    expect(r.body.detail).toContain('ZZZZZ9999Z does not exist');
  });

  it('refuses another e-mail or mobile with the FAQ 5 answer (modify the IEC at DGFT), and creates nothing', async () => {
    const r = await api(stack, 'POST', '/v1/exporters', { token: t.zoya, body: { iec: ZETA, email: 'zoya.personal@gmail.example' } });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('contact_details_from_iec');
    expect(r.body.detail).toContain('Kindly update the mobile number and email id by visiting DGFT website and apply for modification of IEC');
    expect(r.body.fields).toEqual(['email']);
    expect(r.body.errors).toEqual([{ path: 'body/email', message: expect.stringContaining('IEC master') }]);
    expect(await stack.orm.em.fork().count(ExporterAccount, { iec: ZETA })).toBe(0);
  });

  it('lets only the master user register the IEC, and only the IEC of the token', async () => {
    const notMaster = await api(stack, 'POST', '/v1/exporters', { token: t.yusuf, body: { iec: ZETA } });
    expect(notMaster.status).toBe(403);
    expect(notMaster.body.detail).toContain('Only the master user of IEC AAECZ4242M (Zoya Khan');
    const otherIec = await api(stack, 'POST', '/v1/exporters', { token: t.anita, body: { iec: ZETA } });
    expect(otherIec.status).toBe(403);
    expect(otherIec.body.detail).toContain('you can register only that IEC');
  });

  it('registers the IEC through the workflow, retrying while the IEC master is down; data and contact details come from the master', async () => {
    const before = flaky.calls.get(ZETA) ?? 0;
    flaky.calls.set(ZETA, 0); // the two failures apply to this registration
    const r = await api(stack, 'POST', '/v1/exporters', { token: t.zoya, body: { iec: ZETA, mobile: '+91 90000 00002' } });
    expect(before).toBeGreaterThan(0);
    expect(r.status).toBe(201);
    expect(r.body.outcome).toBe('created');
    expect(r.body.workflowId).toBe(exporterRegistrationWorkflowId(ZETA));
    expect(flaky.calls.get(ZETA)).toBe(3); // two failures, then the answer

    const desc = await stack.client.workflow.getHandle(r.body.workflowId).describe();
    expect(desc.taskQueue).toBe(TASK_QUEUE);
    expect(desc.status.name).toBe('COMPLETED');

    const ex = r.body.exporter;
    expect(ex).toMatchObject({ iec: ZETA, firmName: 'ZETA TEST EXPORTS PRIVATE LIMITED', status: 'active', iecStatus: 'active', masterUserId: `${ZETA}-1` });
    expect(ex.company.email).toBe('exports@zeta.example');
    expect(ex.company.directors[0].name).toBe('Zoya Khan');
    expect(ex.users).toEqual([
      expect.objectContaining({ id: `${ZETA}-1`, role: 'master', name: 'Zoya Khan', email: 'zoya.khan@zeta.example', mobile: '+91 9000000002', status: 'active' }),
    ]);
    expect(ex.unmappedIecUsers).toEqual([{ name: 'Yusuf Ali', email: 'yusuf.ali@zeta.example', role: 'additional' }]);
  });

  it('is idempotent: registering again returns the existing account, not a duplicate', async () => {
    const first = await api(stack, 'GET', `/v1/exporters/${ZETA}`, { token: t.zoya });
    const again = await api(stack, 'POST', '/v1/exporters', { token: t.zoya, body: { iec: ZETA } });
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('existing');
    expect(again.body.exporter.registeredAt).toBe(first.body.registeredAt);
    const em = stack.orm.em.fork();
    expect(await em.count(ExporterAccount, { iec: ZETA })).toBe(1);
    expect(await em.count(ExporterUser, { iec: ZETA })).toBe(1);
    // even once registered, other contact details are refused
    const other = await api(stack, 'POST', '/v1/exporters', { token: t.zoya, body: { iec: ZETA, mobile: '+91 9999999999' } });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('contact_details_from_iec');
    const patch = await api(stack, 'PATCH', '/v1/me/contact-details', { token: t.zoya, body: { email: 'new@zeta.example' } });
    expect(patch.status).toBe(422);
    expect(patch.body.detail).toContain('apply for modification of IEC');
    const same = await api(stack, 'PATCH', '/v1/me/contact-details', { token: t.zoya, body: { email: 'ZOYA.KHAN@zeta.example' } });
    expect(same.status).toBe(200);
  });

  it('runs one registration per IEC: concurrent calls join it and create one account', async () => {
    const token = await stack.token({ sub: 'AAHCK2290P-1', name: 'Harshad Patel', roles: ['exporter'], iec: 'AAHCK2290P' });
    const results = await Promise.all([1, 2, 3].map(() => api(stack, 'POST', '/v1/exporters', { token, body: { iec: 'AAHCK2290P' } })));
    expect(results.map((r) => r.status).sort()).toEqual(expect.arrayContaining([201]));
    for (const r of results) expect([200, 201]).toContain(r.status);
    expect(await stack.orm.em.fork().count(ExporterUser, { iec: 'AAHCK2290P' })).toBe(1);
  });

  it('maps an additional user listed in the IEC master; the mapping waits for their DSC', async () => {
    const before = await api(stack, 'GET', '/v1/me', { token: t.yusuf });
    expect(before.status).toBe(403);
    expect(before.body.code).toBe('account_not_registered');
    expect(before.body.detail).toContain(`not mapped to IEC ${ZETA}`);

    const unknown = await api(stack, 'POST', `/v1/exporters/${ZETA}/users`, { token: t.zoya, body: { email: 'stranger@zeta.example' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toContain('No user with the e-mail stranger@zeta.example is listed for IEC AAECZ4242M');

    const r = await api(stack, 'POST', `/v1/exporters/${ZETA}/users`, { token: t.zoya, body: { email: 'yusuf.ali@zeta.example' } });
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({ id: `${ZETA}-2`, role: 'additional', name: 'Yusuf Ali', mobile: '+91 9000000003', status: 'pending_dsc', mappedBy: `${ZETA}-1` });
    expect(r.body.nextStep).toContain('registers a valid DSC carrying IEC AAECZ4242M');
    const again = await Promise.all(
      [1, 2].map(() => api(stack, 'POST', `/v1/exporters/${ZETA}/users`, { token: t.zoya, body: { email: 'Yusuf.Ali@zeta.example' } })),
    );
    expect(again.map((a) => [a.status, a.body.outcome])).toEqual([[200, 'existing'], [200, 'existing']]);
    expect(await stack.orm.em.fork().count(ExporterUser, { iec: ZETA })).toBe(2);

    // pending: may see their profile and register a DSC, nothing else yet
    const me = await api(stack, 'GET', '/v1/me', { token: t.yusuf });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: `${ZETA}-2`, status: 'pending_dsc', iec: ZETA });
    const sign = await api(stack, 'POST', '/v1/signing-requests', { token: t.yusuf, body: { purpose: 'declaration', document: { a: 1 } } });
    expect(sign.status).toBe(403);
    expect(sign.body.detail).toContain('register a valid DSC carrying IEC AAECZ4242M first');
    const mapByAdditional = await api(stack, 'POST', `/v1/exporters/${ZETA}/users`, { token: t.yusuf, body: { email: 'yusuf.ali@zeta.example' } });
    expect(mapByAdditional.status).toBe(403);
    const challenge = await api(stack, 'POST', '/v1/me/dsc/challenge', { token: t.yusuf });
    expect(challenge.status).toBe(201);
  });

  it('lets the master user remove an additional user, and map them again', async () => {
    const removed = await api(stack, 'DELETE', `/v1/exporters/${ZETA}/users/${ZETA}-2`, { token: t.zoya });
    expect(removed.status).toBe(200);
    expect(removed.body.status).toBe('removed');
    const gone = await api(stack, 'GET', '/v1/me', { token: t.yusuf });
    expect(gone.status).toBe(403);
    expect(gone.body.detail).toContain('removed from IEC AAECZ4242M');
    const master = await api(stack, 'DELETE', `/v1/exporters/${ZETA}/users/${ZETA}-1`, { token: t.zoya });
    expect(master.status).toBe(409);
    const remapped = await api(stack, 'POST', `/v1/exporters/${ZETA}/users`, { token: t.zoya, body: { email: 'yusuf.ali@zeta.example' } });
    expect(remapped.status).toBe(201);
    expect(remapped.body.outcome).toBe('remapped');
    expect(remapped.body.user.status).toBe('pending_dsc');
  });

  it("denies other exporters, other roles and mismatched tokens; another IEC's account looks like one that does not exist", async () => {
    await api(stack, 'POST', '/v1/exporters', { token: t.anita, body: { iec: 'AABCS1429B' } });
    const foreign = await api(stack, 'GET', `/v1/exporters/${ZETA}`, { token: t.anita });
    expect(foreign.status).toBe(404);
    const missing = await api(stack, 'GET', '/v1/exporters/AAAAA0000A', { token: t.anita });
    expect(missing.status).toBe(404);
    expect(foreign.body.detail.replace(ZETA, 'X')).toBe(missing.body.detail.replace('AAAAA0000A', 'X'));
    const foreignMap = await api(stack, 'POST', `/v1/exporters/${ZETA}/users`, { token: t.anita, body: { email: 'yusuf.ali@zeta.example' } });
    expect(foreignMap.status).toBe(404);
    const foreignRemove = await api(stack, 'DELETE', `/v1/exporters/${ZETA}/users/${ZETA}-2`, { token: t.anita });
    expect(foreignRemove.status).toBe(404);

    const officer = await api(stack, 'GET', `/v1/exporters/${ZETA}`, { token: t.officer });
    expect(officer.status).toBe(403);
    const helpdesk = await api(stack, 'GET', `/v1/exporters/${ZETA}`, { token: t.helpdesk });
    expect(helpdesk.status).toBe(200);
    expect(helpdesk.body.users.map((u: { id: string }) => u.id)).toEqual([`${ZETA}-1`, `${ZETA}-2`]);

    const mismatch = await api(stack, 'GET', '/v1/me', { token: t.zoyaWrongIec });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.detail).toContain(`mapped to IEC ${ZETA}`);
    const unauth = await api(stack, 'POST', '/v1/exporters', { body: { iec: ZETA } });
    expect(unauth.status).toBe(401);
    const ghost = await stack.token({ sub: 'ghost-helpdesk', name: 'Ghost', roles: ['helpdesk'] });
    const ghostRead = await api(stack, 'GET', `/v1/exporters/${ZETA}`, { token: ghost });
    expect(ghostRead.status).toBe(403);
    expect(ghostRead.body.code).toBe('account_not_registered');
  });
});
