import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent, GatewayCredentialRow } from '../../db/entities/index.js';
import { seed } from '../../db/seed.js';
import { gstinCheckCharacter } from '../../domain/reference/gstin.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft, defaultTabs, ensureIecRecord } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 12, the offices half: an agency's administrator adds and edits offices, sets the payment gateway
// parameters (checked as seed 002 warns, stored encrypted, shown by their last four characters), enables
// the e-wallet per office; seeding never overwrites what an administrator changed.
describe('office management by the agency administrator', () => {
  let stack: Stack;
  let pki: TestPki;
  const t = {} as Record<'raj' | 'eicAdmin' | 'mpedaAdmin', string>;
  const office = {
    code: 'EIC-PUN',
    fileNumberPrefix: 'EIPU',
    name: 'EIC - Pune (Sub-office)',
    address: { line1: 'Export House, 2nd Floor', line2: 'Senapati Bapat Road', city: 'Pune', state: 'Maharashtra', pincode: '411016' },
    state: 'Maharashtra',
    gstStateCode: '27',
    gstin: `27AAAGE0486K2Z${gstinCheckCharacter('27AAAGE0486K2Z')}`,
    email: 'coo.pune@eicindia.example',
    phone: '+91 20 2565 0001',
    eWalletEnabled: true,
  };

  beforeAll(async () => {
    stack = await startStack({ name: 'agency-offices' });
    pki = await testPki(stack);
    await stack.startWorker();
    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.eicAdmin = await stack.token({ sub: 'admin-eic', name: 'Rakesh Gupta', roles: ['agency-admin'], agencyCode: 'EIC' });
    t.mpedaAdmin = await stack.token({ sub: 'admin-mpeda', name: 'Anjali Nair', roles: ['agency-admin'], agencyCode: 'MPEDA' });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("lists the agency's offices with the gateway key's last four characters only; another agency's administrator is refused", async () => {
    const list = await api(stack, 'GET', '/v1/agencies/EIC/offices', { token: t.eicAdmin });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const mum = list.body.items.find((o: any) => o.code === 'EIC-MUM');
    expect(mum).toMatchObject({ eWalletEnabled: true, paymentGateway: { merchantId: 'EICSBX00001', checksumKeyLast4: '8035', inherited: true } });
    expect(JSON.stringify(list.body)).not.toContain('sbx_eic_4f1c9a7e2b6d8035');
    // the key is kept encrypted: not in the row, not in the reference data
    const row = await stack.orm.em.fork().findOneOrFail(GatewayCredentialRow, { scope: 'agency:EIC' });
    expect(JSON.stringify(row.checksumKeyEncrypted)).not.toContain('4f1c9a7e2b6d8035');
    const refs = await stack.orm.em.fork().getConnection().execute(`select data::text as d from issuing_agency union all select data::text from agency_office`);
    expect(JSON.stringify(refs)).not.toContain('sbx_eic_4f1c9a7e2b6d8035');

    expect((await api(stack, 'GET', '/v1/agencies/EIC/offices', { token: t.mpedaAdmin })).status).toBe(403);
    // the staff table decides, not the token: a token claiming EIC's administration without an approved registration is refused
    const ghost = await stack.token({ sub: 'someone-unregistered', name: 'Not Registered', roles: ['agency-admin'], agencyCode: 'EIC' });
    const refused = await api(stack, 'GET', '/v1/agencies/EIC/offices', { token: ghost });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('is not a registered agency administrator');
    expect((await api(stack, 'GET', '/v1/agencies/EIC/offices', { token: t.raj })).status).toBe(403);
  });

  it('adds an office; its gateway parameters are refused for a space, an empty field and an extra character, each with its own message, then accepted; an application there is paid through them', async () => {
    const added = await api(stack, 'POST', '/v1/agencies/EIC/offices', { token: t.eicAdmin, body: office });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ code: 'EIC-PUN', active: true, eWalletEnabled: true, certificateSigning: 'eseal', paymentGateway: { inherited: true } });
    const again = await api(stack, 'POST', '/v1/agencies/EIC/offices', { token: t.eicAdmin, body: office });
    expect(again.status).toBe(409);
    const badGstin = await api(stack, 'POST', '/v1/agencies/EIC/offices', { token: t.eicAdmin, body: { ...office, code: 'EIC-NSK', fileNumberPrefix: 'EINS', gstin: '27AAAGE0486K2Z1' } });
    expect(badGstin.status).toBe(422);
    expect(badGstin.body.detail).toContain('is not valid');

    const set = (body: Record<string, string>) => api(stack, 'PUT', '/v1/offices/EIC-PUN/payment-gateway', { token: t.eicAdmin, body });
    const space = await set({ merchantId: 'EICPUN 0001', checksumKey: 'pun_key_5e2d9c81' });
    const empty = await set({ merchantId: '', checksumKey: 'pun_key_5e2d9c81' });
    const extra = await set({ merchantId: 'EICPUN0001"', checksumKey: 'pun_key_5e2d9c81' });
    for (const r of [space, empty, extra]) {
      expect(r.status).toBe(422);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(space.body.errors).toEqual([{ path: 'body/merchantId', message: 'Merchant ID contains a space at position 7: enter it without spaces, exactly as the payment gateway issued it' }]);
    expect(empty.body.errors[0].message).toMatch(/^Merchant ID is empty/);
    expect(extra.body.errors[0].message).toMatch(/^Merchant ID contains a double quote \(U\+0022\) at position 11/);
    const good = await set({ merchantId: 'EICPUN0001', checksumKey: 'pun_key_5e2d9c81' });
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect(good.body).toMatchObject({ scope: 'office:EIC-PUN', merchantId: 'EICPUN0001', checksumKeyLast4: '9c81' });
    expect(JSON.stringify(good.body)).not.toContain('pun_key_5e2d9c81');
    const audit = await stack.orm.em.fork().find(AuditEvent, { subjectType: 'office', subjectId: 'EIC-PUN' }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['office.added', 'payment-gateway.set']);
    expect(audit[1]!.details).toEqual({ before: null, after: { merchantId: 'EICPUN0001', checksumKeyLast4: '9c81' } });
    expect(JSON.stringify(audit)).not.toContain('pun_key_5e2d9c81');

    // an application filed at the new office is paid at the gateway with the office's own merchant: the callback's checksum verifies
    const iec = await ensureIecRecord(stack, t.raj);
    const tabs = defaultTabs(iec);
    const draft = await createCompleteDraft(stack, t.raj, { tabs: { certificateDetails: { ...tabs.certificateDetails, officeCode: 'EIC-PUN' } } });
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    const filed = await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    expect(filed.fileNumber).toMatch(/^EIPUCOAPPLY\d{8}AM\d{2}$/);
  });

  it('enforces the e-wallet switch at payment: refused at an office where it is disabled, with what to do', async () => {
    const off = await api(stack, 'PATCH', '/v1/offices/EIC-PUN', { token: t.eicAdmin, body: { eWalletEnabled: false } });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.eWalletEnabled).toBe(false);
    await stack.orm.em.fork().getConnection().execute(`insert into wallet (iec, office_code, balance_paise, updated_at) values ('AAACR5055K', 'EIC-PUN', 1000000, now()) on conflict do nothing`);
    const iec = await ensureIecRecord(stack, t.raj);
    const tabs = defaultTabs(iec);
    const draft = await createCompleteDraft(stack, t.raj, { tabs: { certificateDetails: { ...tabs.certificateDetails, officeCode: 'EIC-PUN' } } });
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await waitForStatus(stack, t.raj, draft.id, 'Pending Payment');
    // the worker reads the offices every 2 s: wait until the switch has reached it
    await waitFor(() => stack.deps.reference(), { what: "the worker's offices with EIC-PUN's e-wallet off", timeoutMs: 15_000, until: (ref) => ref.office('EIC-PUN')?.eWallet.enabled === false });
    const refused = await api(stack, 'POST', `/v1/applications/${draft.id}/payment`, { token: t.raj, body: { method: 'ewallet' } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(402);
    expect(refused.body.detail).toContain('Office EIC-PUN does not take e-wallet payments');
    expect(refused.body.detail).toContain('pay through the payment gateway');
  });

  it("keeps an administrator's edit when the system restarts and seeds again", async () => {
    // the office this test added (EIC Mumbai is shared with the other test files)
    const edit = await api(stack, 'PATCH', '/v1/offices/EIC-PUN', { token: t.eicAdmin, body: { phone: '+91 20 2565 9999' } });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    const gw = await api(stack, 'PUT', '/v1/agencies/MPEDA/payment-gateway', { token: t.mpedaAdmin, body: { merchantId: 'MPEDASBX0001', checksumKey: 'sbx_mpeda_91d2e07c5a3b64f8' } });
    expect(gw.status).toBe(200);
    // what every start does
    await seed(stack.orm, { demo: true, keys: stack.config.temporal.codec });
    const after = await api(stack, 'GET', '/v1/agencies/EIC/offices', { token: t.eicAdmin });
    expect(after.body.items.find((o: any) => o.code === 'EIC-PUN')).toMatchObject({ phone: '+91 20 2565 9999', eWalletEnabled: false });
    const mpeda = await stack.orm.em.fork().findOneOrFail(GatewayCredentialRow, { scope: 'agency:MPEDA' });
    expect(mpeda.updatedBy).toBe('admin-mpeda (Anjali Nair)');
    const [audit] = await stack.orm.em.fork().find(AuditEvent, { subjectType: 'office', subjectId: 'EIC-PUN', action: 'office.edited' }, { orderBy: { id: 'desc' }, limit: 1 });
    expect(audit!.details).toEqual({ changed: { phone: { before: '+91 20 2565 0001', after: '+91 20 2565 9999' } } });
  });
});
