import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent, WalletEntry, WalletRow } from '../../db/entities/index.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft, defaultTabs, ensureIecRecord } from '../helpers/drafts.js';
import { registerWithDsc, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 12 item 7: the exporter's e-wallet per office, topped up through the office's payment gateway,
// its statement, the administrator's view and the legacy balances.
// Raj's e-wallet at EIC Chennai: no other test file pays from or credits it (the database is shared by the test files)
describe('e-wallets', () => {
  let stack: Stack;
  let pki: TestPki;
  const t = {} as Record<'raj' | 'eicAdmin' | 'mpedaAdmin' | 'platform', string>;

  const balance = async (office: string) => (await api(stack, 'GET', `/v1/wallets/${office}/statement`, { token: t.raj })).body.balancePaise as number;
  const pay = (orderId: string, outcome: string) => api(stack, 'POST', `/sandbox/gateway/checkout/${encodeURIComponent(orderId)}/pay`, { body: { outcome }, headers: { accept: 'application/json' } });

  beforeAll(async () => {
    stack = await startStack({ name: 'wallets' });
    // each top-up's reconciliation asks the gateway every second (APP_RECONCILE_EVERY, as for application payments)
    stack.config.timings = { ...stack.config.timings, reconcileEvery: '1 second' };
    pki = await testPki(stack);
    await stack.startWorker();
    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.eicAdmin = await stack.token({ sub: 'admin-eic', name: 'Rakesh Gupta', roles: ['agency-admin'], agencyCode: 'EIC' });
    t.mpedaAdmin = await stack.token({ sub: 'admin-mpeda', name: 'Lakshmi Nair', roles: ['agency-admin'], agencyCode: 'MPEDA' });
    t.platform = await stack.token({ sub: 'platform-admin', name: 'DGFT Administrator', roles: ['admin'] });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('tops up through the sandbox gateway: a duplicated callback credits once; then an application is paid from the wallet and the statement says so', async () => {
    const before = await balance('EIC-CHN');
    const small = await api(stack, 'POST', '/v1/wallets/EIC-CHN/top-ups', { token: t.raj, body: { amountPaise: 5_000 } });
    expect(small.status).toBe(422);
    expect(small.body.detail).toBe('A top-up is between ₹100.00 and ₹5,00,000.00; ₹50.00 was asked for.');

    const started = await api(stack, 'POST', '/v1/wallets/EIC-CHN/top-ups', { token: t.raj, body: { amountPaise: 250_000 }, headers: { 'idempotency-key': 'topup-raj-0001' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body).toMatchObject({ status: 'open', amountPaise: 250_000, officeCode: 'EIC-CHN', iec: 'AAACR5055K' });
    expect(started.body.checkoutUrl).toContain('/sandbox/gateway/checkout/');
    const repeat = await api(stack, 'POST', '/v1/wallets/EIC-CHN/top-ups', { token: t.raj, body: { amountPaise: 250_000 }, headers: { 'idempotency-key': 'topup-raj-0001' } });
    expect(repeat.body.orderId).toBe(started.body.orderId);
    const orderId = started.body.orderId as string;

    // the sandbox "bank" succeeds and calls back twice, at the same moment
    expect((await pay(orderId, 'success-twice')).status).toBe(200);
    const topUp = await api(stack, 'GET', `/v1/wallets/EIC-CHN/top-ups/${orderId}`, { token: t.raj });
    expect(topUp.body).toMatchObject({ status: 'paid', confirmedVia: 'callback' });
    const counted = await stack.orm.em.fork().getConnection().execute(`select callbacks_received from wallet_topup where order_id = ?`, [orderId]);
    expect(counted[0]?.callbacks_received).toBe(2);
    expect(await balance('EIC-CHN')).toBe(before + 250_000);
    const afterTopUp = await api(stack, 'GET', '/v1/wallets/EIC-CHN/statement', { token: t.raj });
    expect(afterTopUp.body.entries.filter((e: any) => e.reference === orderId)).toEqual([
      expect.objectContaining({ kind: 'top-up', amountPaise: 250_000, balanceAfterPaise: before + 250_000 }),
    ]);

    // a callback that never arrives: the gateway's status API is asked when the exporter looks
    const lost = await api(stack, 'POST', '/v1/wallets/EIC-CHN/top-ups', { token: t.raj, body: { amountPaise: 10_000 } });
    expect((await pay(lost.body.orderId, 'success-no-callback')).status).toBe(200);
    const list = await api(stack, 'GET', '/v1/wallets', { token: t.raj });
    expect(list.status).toBe(200);
    expect(list.body.items.find((w: any) => w.officeCode === 'EIC-CHN')).toMatchObject({ balancePaise: before + 260_000, eWalletEnabled: true });
    expect((await api(stack, 'GET', `/v1/wallets/EIC-CHN/top-ups/${lost.body.orderId}`, { token: t.raj })).body).toMatchObject({ status: 'paid', confirmedVia: 'reconciliation' });

    // the fee paid from the wallet
    const tabs = defaultTabs(await ensureIecRecord(stack, t.raj));
    const draft = await createCompleteDraft(stack, t.raj, { tabs: { certificateDetails: { ...tabs.certificateDetails, officeCode: 'EIC-CHN' } } });
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    const due = (await waitForStatus(stack, t.raj, draft.id, 'Pending Payment')).fee.totalPaise as number;
    const paid = await api(stack, 'POST', `/v1/applications/${draft.id}/payment`, { token: t.raj, body: { method: 'ewallet' } });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    const statement = await api(stack, 'GET', '/v1/wallets/EIC-CHN/statement', { token: t.raj });
    expect(statement.body.balancePaise).toBe(before + 260_000 - due);
    expect(statement.body.entries[0]).toMatchObject({ kind: 'fee', reference: draft.number, amountPaise: -due, balanceAfterPaise: before + 260_000 - due });
    expect(statement.body.entries[0].description).toBe(`fee for application ${draft.number}`);
    expect(statement.body.entries.map((e: any) => e.kind).slice(0, 3)).toEqual(['fee', 'top-up', 'top-up']);
  });

  it('reconciles an open top-up by itself: a callback lost is credited without anyone reading the top-up; a late callback credits nothing more', async () => {
    const topUp = async (amountPaise: number, outcome: string) => {
      const started = await api(stack, 'POST', '/v1/wallets/EIC-CHN/top-ups', { token: t.raj, body: { amountPaise } });
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      expect((await pay(started.body.orderId, outcome)).status).toBe(200);
      return started.body.orderId as string;
    };
    const row = async (orderId: string) =>
      (await stack.orm.em.fork().getConnection().execute(`select status, confirmed_via, callbacks_received from wallet_topup where order_id = ?`, [orderId]))[0] as { status: string; confirmed_via: string | null; callbacks_received: number };
    const entries = async (orderId: string) => stack.orm.em.fork().find(WalletEntry, { entryKey: orderId });
    const before = await balance('EIC-CHN'); // the statement asks the gateway about nothing

    // paid at the gateway, its callback lost: nobody reads the top-up or the wallets, the reconciliation credits it
    const lost = await topUp(20_000, 'success-no-callback');
    await waitFor(async () => ((await row(lost)).status === 'paid' ? true : undefined), { what: `top-up ${lost} reconciled`, timeoutMs: 30_000 });
    expect(await row(lost)).toMatchObject({ status: 'paid', confirmed_via: 'reconciliation', callbacks_received: 0 });
    expect(await balance('EIC-CHN')).toBe(before + 20_000);

    // the callback arrives late, after or before the reconciliation asked: the wallet is credited once either way
    const late = await topUp(30_000, 'success-delayed');
    await waitFor(async () => {
      const r = await row(late);
      return r.status === 'paid' && r.callbacks_received >= 1 ? r : undefined;
    }, { what: `top-up ${late} paid and its callback received`, timeoutMs: 30_000 });
    expect(await entries(late)).toHaveLength(1);
    expect(await entries(lost)).toHaveLength(1);
    expect(await balance('EIC-CHN')).toBe(before + 50_000);
    // each top-up's reconciliation ends once it is settled
    for (const orderId of [lost, late]) {
      expect(await stack.client.workflow.getHandle(`coo-wallet-topup/${orderId}`).result()).toMatchObject({ orderId, status: 'paid' });
    }
  });

  it("shows the office's wallets and a statement to the agency's administrator; another agency's administrator is refused", async () => {
    const wallets = await api(stack, 'GET', '/v1/agencies/EIC/wallets?office=EIC-CHN', { token: t.eicAdmin });
    expect(wallets.status, JSON.stringify(wallets.body)).toBe(200);
    const raj = wallets.body.items.find((w: any) => w.iec === 'AAACR5055K');
    expect(raj).toMatchObject({ officeCode: 'EIC-CHN' });
    expect(raj.balancePaise).toBe(await balance('EIC-CHN'));
    expect(wallets.body.totalBalancePaise).toBeGreaterThanOrEqual(raj.balancePaise);
    const statement = await api(stack, 'GET', '/v1/wallets/EIC-CHN/statement?iec=AAACR5055K', { token: t.eicAdmin });
    expect(statement.status).toBe(200);
    expect(statement.body.entries.map((e: any) => e.kind)).toContain('top-up');
    expect((await api(stack, 'GET', '/v1/agencies/EIC/wallets', { token: t.platform })).status).toBe(200);

    const foreign = await api(stack, 'GET', '/v1/agencies/EIC/wallets?office=EIC-CHN', { token: t.mpedaAdmin });
    expect(foreign.status).toBe(403);
    expect(foreign.body.detail).toContain('You administer MPEDA');
    expect((await api(stack, 'GET', '/v1/wallets/EIC-CHN/statement?iec=AAACR5055K', { token: t.mpedaAdmin })).status).toBe(403);
    expect((await api(stack, 'GET', '/v1/agencies/EIC/wallets?office=MPEDA-KOC', { token: t.eicAdmin })).status).toBe(404);
    expect((await api(stack, 'GET', '/v1/wallets/EIC-CHN/statement?iec=AABCS1429B', { token: t.raj })).status).toBe(403);
  });

  it('imports the balances migrated from the legacy platform once, audited; a second run credits nothing; refused rows are named by row and field', async () => {
    const run = promisify(execFile);
    const dir = await mkdtemp(join(tmpdir(), 'legacy-wallets-'));
    const command = (f: string) =>
      run(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/import-legacy-wallets.ts', f], {
        env: { ...process.env, DATABASE_URL: stack.config.db.url, DATA_DIR: stack.dir, NODE_ENV: 'test', LOG_LEVEL: 'silent', IMPORTED_BY: 'ops-migration' },
      }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: `${e.stdout}${e.stderr}` }),
      );
    const em = () => stack.orm.em.fork();
    const kocBefore = (await em().findOne(WalletRow, { iec: 'AAACR5055K', officeCode: 'EIC-KOC' }))?.balancePaise ?? 0;
    const mpedaBefore = (await em().findOne(WalletRow, { iec: 'AABCS1429B', officeCode: 'MPEDA-KOC' }))?.balancePaise ?? 0;

    const bad = join(dir, 'bad.csv');
    await writeFile(bad, ['iec,office,balance,reference', 'AAACR5055K,EIC-KOC,12 500,LEG/W/1', 'AAACR505,EIC-KOC,100.00,LEG/W/2', 'AABCS1429B,MPEDA-KOC,100.00,'].join('\n'));
    const refused = await command(bad);
    expect(refused.code, refused.out).toBe(1);
    expect(refused.out).toContain('refused, nothing imported: 3 problems');
    expect(refused.out).toContain('row 2, balance: "12 500" is not an amount in rupees');
    expect(refused.out).toContain('row 3, iec: "AAACR505" is not an IEC');
    expect(refused.out).toContain('row 4, reference: empty');

    const file = join(dir, 'legacy-wallets.json');
    await writeFile(
      file,
      JSON.stringify([
        { iec: 'AAACR5055K', office: 'EIC-KOC', balance: '12500.50', reference: 'ECOO1/WALLET/000417' },
        { iec: 'AABCS1429B', office: 'MPEDA-KOC', balance: 3000, reference: 'ECOO1/WALLET/000912' },
      ]),
    );
    const once = await command(file);
    expect(once.code, once.out).toBe(0);
    expect(once.out).toContain('legacy-wallets.json: 2 rows');
    expect(once.out).toContain('imported: 2 (₹15500.50), 0 already imported');
    const twice = await command(file);
    expect(twice.code, twice.out).toBe(0);
    expect(twice.out).toContain('imported: 0 (₹0.00), 2 already imported');

    expect((await em().findOneOrFail(WalletRow, { iec: 'AAACR5055K', officeCode: 'EIC-KOC' })).balancePaise).toBe(kocBefore + 1_250_050);
    expect((await em().findOneOrFail(WalletRow, { iec: 'AABCS1429B', officeCode: 'MPEDA-KOC' })).balancePaise).toBe(mpedaBefore + 300_000);
    expect(await em().count(WalletEntry, { iec: 'AAACR5055K', officeCode: 'EIC-KOC', kind: 'migration' })).toBe(1);
    const statement = await api(stack, 'GET', '/v1/wallets/EIC-KOC/statement', { token: t.raj });
    expect(statement.body.entries[0]).toMatchObject({ kind: 'migration', reference: 'ECOO1/WALLET/000417', amountPaise: 1_250_050 });
    const audit = await em().find(AuditEvent, { subjectType: 'wallet', action: 'wallet.legacy-imported' });
    expect(audit).toHaveLength(2);
    expect(audit.find((a) => a.subjectId === 'AAACR5055K@EIC-KOC')).toMatchObject({ actor: 'legacy-wallet-import (ops-migration)', channel: 'cli' });

    // the same wallet under another reference is refused: a wallet is migrated once
    const other = join(dir, 'again.csv');
    await writeFile(other, 'iec,office,balance,reference\r\nAAACR5055K,EIC-KOC,12500.50,ECOO1/WALLET/999999\r\n');
    const again = await command(other);
    expect(again.code, again.out).toBe(1);
    expect(again.out).toContain('row 2, reference: the wallet of AAACR5055K at EIC-KOC was already migrated (reference ECOO1/WALLET/000417');
  });
});
