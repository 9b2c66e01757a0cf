import { execFile } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveDate } from '../../domain/certificate/live-status.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, sign, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { findChromium } from '../helpers/chromium.js';

// Issue 11 items 5–7 end to end, through the HTTP API on the real services (PostgreSQL, Temporal, the
// worker issuing the certificates): a certificate cancelled by its office with a DSC signature and shown
// cancelled on verification; a certificate superseded by an in-lieu certificate (written to the database
// the way the request workflow's issuance writes it) shown superseded, linked both ways, in Chromium and in
// JSON; legacy certificates imported twice by the command and verifying with the legacy view.

const run = promisify(execFile);


describe("a certificate's life: cancelled, superseded, legacy records", () => {
  let stack: Stack;
  let pki: TestPki;
  let dir: string;
  const t = {} as Record<'raj' | 'priya' | 'kochi' | 'mpedaAdmin', string>;

  async function issuedCertificate(): Promise<{ id: string; number: string; meta: any }> {
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    const approved = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.priya });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const done = await waitForStatus(stack, t.raj, draft.id, 'Approved');
    const meta = (await api(stack, 'GET', `/v1/applications/${draft.id}/certificate`, { token: t.raj })).body;
    expect(meta.pdf.ready).toBe(true);
    return { id: draft.id, number: done.certificateNumber as string, meta };
  }

  /** The public JSON of a certificate, opened with its QR link's token. */
  async function verifyJson(verificationUrl: string): Promise<any> {
    const u = new URL(verificationUrl);
    const r = await api(stack, 'GET', `/v1/public/certificates?no=${encodeURIComponent(u.searchParams.get('no')!)}&t=${u.searchParams.get('t')}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  }
  /** The verification page's main text, fetched as the QR link opens it. */
  async function verifyPageText(verificationUrl: string): Promise<string> {
    const res = await fetch(verificationUrl);
    expect(res.status).toBe(200);
    const html = await res.text();
    const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? '';
    return main
      .replace(/<[^>]+>/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/\s+/g, ' ');
  }

  const path = (number: string, what: string) => `/v1/certificates/${encodeURIComponent(number)}/${what}`;

  beforeAll(async () => {
    stack = await startStack({ name: 'certificate-life', env: { VERIFY_RATE_LIMIT_PER_MINUTE: '10000', VERIFY_RATE_LIMIT_BURST: '10000' } });
    pki = await testPki(stack);
    await stack.startWorker();
    dir = await mkdtemp(join(tmpdir(), 'coo-life-e2e-'));
    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.priya = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    t.kochi = await stack.token({ sub: 'officer-eic-koc', name: 'Thomas Varghese', roles: ['officer'], officeCode: 'EIC-KOC', agencyCode: 'EIC' });
    t.mpedaAdmin = await stack.token({ sub: 'admin-mpeda', name: 'MPEDA admin', roles: ['agency-admin'], agencyCode: 'MPEDA' });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
    await registerWithDsc(stack, pki, t.priya, '', 'officer-eic-mum', false);
  });

  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('an officer of the issuing office cancels a certificate with a DSC signature: refused to others, to a bad signature and a second time; verification says cancelled with the reason', async () => {
    const cert = await issuedCertificate();
    const reason = 'Issued against an invoice the exporter has withdrawn';

    // only an officer of the issuing office (or an administrator of its agency)
    const other = await api(stack, 'POST', path(cert.number, 'cancellation-payload'), { token: t.kochi, body: { reason } });
    expect(other.status).toBe(403);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(other.body.detail).toBe(`Only an officer of EIC-MUM, the office that issued certificate ${cert.number}, or an administrator of agency EIC can cancel it.`);
    expect((await api(stack, 'POST', path(cert.number, 'cancellation-payload'), { token: t.mpedaAdmin, body: { reason } })).status).toBe(403);
    const exporter = await api(stack, 'POST', path(cert.number, 'cancel'), { token: t.raj, body: { reason, signatureB64: 'x'.repeat(40) } });
    expect(exporter.status).toBe(403);
    expect(exporter.body.detail).toContain('officer, agency-admin');
    // a reason is mandatory
    expect((await api(stack, 'POST', path(cert.number, 'cancellation-payload'), { token: t.priya, body: { reason: '  ' } })).status).toBe(422);

    // the bytes to sign: deterministic, the canonical JSON of what is cancelled, why and by whom
    const payload = await api(stack, 'POST', path(cert.number, 'cancellation-payload'), { token: t.priya, body: { reason } });
    expect(payload.status, JSON.stringify(payload.body)).toBe(200);
    const bytes = Buffer.from(payload.body.contentB64, 'base64');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(payload.body.sha256);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ document: 'coo-certificate-cancellation', certificateNumber: cert.number, reason, officerId: 'officer-eic-mum' });
    const again = await api(stack, 'POST', path(cert.number, 'cancellation-payload'), { token: t.priya, body: { reason } });
    expect(again.body.contentB64).toBe(payload.body.contentB64);

    // bad signatures: over other bytes (another reason); by a DSC that is not hers
    const otherBytes = sign(pki, 'officer-eic-mum', Buffer.from(JSON.stringify({ reason: 'something else' })).toString('base64'));
    const bad = await api(stack, 'POST', path(cert.number, 'cancel'), { token: t.priya, body: { reason, signatureB64: otherBytes } });
    expect(bad.status, JSON.stringify(bad.body)).toBe(422);
    expect(bad.body.code).toBe('signature_invalid');
    const notHers = await api(stack, 'POST', path(cert.number, 'cancel'), { token: t.priya, body: { reason, signatureB64: sign(pki, 'officer-eic-koc', payload.body.contentB64) } });
    expect(notHers.status, JSON.stringify(notHers.body)).toBe(403);
    expect(notHers.body.code).toBe('signer_not_acting_user');
    expect((await api(stack, 'GET', `/v1/applications/${cert.id}/certificate`, { token: t.raj })).body.status).toBe('issued');

    // signed with her registered DSC: cancelled; the same Idempotency-Key gets the first answer back
    const signatureB64 = sign(pki, 'officer-eic-mum', payload.body.contentB64);
    const headers = { 'idempotency-key': 'cancel-life-0001' };
    const done = await api(stack, 'POST', path(cert.number, 'cancel'), { token: t.priya, body: { reason, signatureB64 }, headers });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({
      certificateNumber: cert.number,
      status: 'cancelled',
      statusChangedBy: 'officer-eic-mum (Priya Deshpande)',
      statusReason: reason,
      signedBy: { name: 'PRIYA DESHPANDE' },
      exporterNotified: true,
    });
    const repeat = await api(stack, 'POST', path(cert.number, 'cancel'), { token: t.priya, body: { reason, signatureB64 }, headers });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(done.body);

    // a second cancellation is refused, naming the first: when and by whom
    const second = await api(stack, 'POST', path(cert.number, 'cancel'), { token: t.priya, body: { reason, signatureB64 } });
    expect(second.status).toBe(409);
    expect(second.headers.get('content-type')).toContain('application/problem+json');
    expect(second.body.detail).toMatch(new RegExp(`^Certificate ${cert.number.replace(/\//g, '\\/')} was already cancelled on .+ IST by officer-eic-mum \\(Priya Deshpande\\): ${reason}\\.$`));
    expect((await api(stack, 'POST', path(cert.number, 'cancellation-payload'), { token: t.priya, body: { reason: 'again' } })).status).toBe(409);

    // the public verification (JSON and page, opened by the QR link) says cancelled, not valid, with the reason
    const view = await verifyJson(cert.meta.verificationUrl);
    const on = liveDate(done.body.statusChangedAt);
    expect(view).toMatchObject({ status: 'cancelled', valid: false, statusText: 'Cancelled — not valid', cancellation: { reason, at: done.body.statusChangedAt } });
    expect(view.statusDetails[0]).toBe(`Cancelled on ${on} by EIC - Mumbai (Regional Office) — ${reason}`);
    expect(view.history.at(-1)).toMatchObject({ type: 'cancelled', description: `Cancelled: ${reason}` });
    const page = await verifyPageText(cert.meta.verificationUrl);
    expect(page).toContain('Cancelled — not valid');
    expect(page).toContain(`Cancelled on ${on} by EIC - Mumbai (Regional Office) — ${reason}`);
    expect(page).toContain('This certificate is NOT valid');

    // the certificate's metadata, the audit trail and the exporter's e-mail
    const meta = (await api(stack, 'GET', `/v1/applications/${cert.id}/certificate`, { token: t.raj })).body;
    expect(meta).toMatchObject({ status: 'cancelled', valid: false, statusReason: reason, statusChangedBy: 'officer-eic-mum (Priya Deshpande)' });
    const conn = stack.orm.em.fork().getConnection();
    const audit = await conn.execute(`select actor, details from audit_event where action = 'certificate.cancelled' and subject_id = ?`, [cert.number]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'officer-eic-mum', details: { reason, contentSha256: payload.body.sha256, signerName: 'PRIYA DESHPANDE' } });
    const mails = await conn.execute(
      `select n.recipient, n.subject, n.body, n.sent_at from notification n where n.template = 'certificate-cancelled' and n.notification_key = ?`,
      [`certificate-cancelled/${cert.number}`],
    );
    expect(mails).toHaveLength(1);
    const iecMail = (await conn.execute(`select data->>'email' as email from iec_record where iec = 'AAACR5055K'`))[0]!.email;
    expect(mails[0]).toMatchObject({ recipient: iecMail, subject: `Certificate of Origin ${cert.number} cancelled` });
    expect(mails[0]!.body).toContain(reason);
    expect(mails[0]!.sent_at).not.toBeNull();
  });

  it('a superseded certificate says "Superseded by … on … — reason" and links to the in-lieu certificate, which names what it replaces (JSON, and the page in Chromium)', async () => {
    const cert = await issuedCertificate();
    const inLieu = `${cert.number}/00000001`;
    const reason = 'Importer name corrected on the invoice';
    const em = stack.orm.em.fork();
    const conn = em.getConnection();
    // what the request workflow's issuance writes: the in-lieu row, the original superseded in the same transaction
    await em.transactional(async (tx) => {
      const c = tx.getConnection();
      await c.execute(
        `insert into certificate (number, application_id, kind, original_number, source, iec, agency_code, office_code, agreement_code, status, issued_by, issued_at,
           document, pdf_sha256, verification_token, history)
         select ?, null, 'in-lieu', number, 'platform', iec, agency_code, office_code, agreement_code, 'issued', issued_by, now(),
           jsonb_set(jsonb_set(document, '{certificate,certificateNumber}', to_jsonb(?::text)), '{certificate,replacesCertificateNumber}', to_jsonb(number)),
           pdf_sha256, ?, jsonb_build_array(jsonb_build_object('at', now(), 'event', 'issued', 'note', 'by Priya Deshpande'))
         from certificate where number = ?`,
        [inLieu, inLieu, `inlieu${randomInt(1e9)}`, cert.number],
      );
      await c.execute(
        `update certificate set status = 'superseded', superseded_by = ?, status_changed_at = now(), status_changed_by = 'officer-eic-mum (Priya Deshpande)', status_reason = ?,
           history = history || jsonb_build_array(jsonb_build_object('at', now(), 'event', 'superseded', 'note', ?::text)) where number = ?`,
        [inLieu, reason, `by ${inLieu}: ${reason}`, cert.number],
      );
    });
    const row = (
      await conn.execute<{ status_changed_at: string; token: string }[]>(
        `select status_changed_at, (select verification_token from certificate where number = ?) as token from certificate where number = ?`,
        [inLieu, cert.number],
      )
    )[0]!;
    const on = liveDate(new Date(row.status_changed_at).toISOString());
    const inLieuUrl = `${stack.baseUrl}/verify?no=${inLieu}&t=${row.token}`;

    const view = await verifyJson(cert.meta.verificationUrl);
    expect(view).toMatchObject({ status: 'superseded', valid: false, supersededBy: inLieu, superseded: { by: { certificateNumber: inLieu, kind: 'in-lieu', verificationUrl: inLieuUrl }, reason } });
    expect(view.statusDetails[0]).toBe(`Superseded by ${inLieu} on ${on} — ${reason}`);
    expect(view.qrNotice).toContain('keeps verifying cryptographically');
    const lieu = await verifyJson(inLieuUrl);
    expect(lieu).toMatchObject({ status: 'issued', valid: true, kind: 'in-lieu', replaces: { certificateNumber: cert.number, kind: 'original', issueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) } });
    expect(lieu.statusDetails).toContain(`Issued in lieu of ${cert.number} dated ${liveDate(lieu.replaces.issueDate)}`);
    // the metadata says the same; a superseded certificate cannot be cancelled, and the refusal names by what
    expect((await api(stack, 'GET', `/v1/applications/${cert.id}/certificate`, { token: t.raj })).body).toMatchObject({ status: 'superseded', supersededBy: inLieu, statusReason: reason });
    const refused = await api(stack, 'POST', path(cert.number, 'cancellation-payload'), { token: t.priya, body: { reason: 'no longer needed' } });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain(`is superseded by ${inLieu}`);

    // the page, as the QR code of the original opens it, in a real browser; its link opens the in-lieu certificate
    const browser: Browser = await chromium.launch({ executablePath: findChromium(), args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      expect((await page.goto(cert.meta.verificationUrl))?.status()).toBe(200);
      const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
      expect(text).toContain('Superseded — not in force');
      expect(text).toContain(`Superseded by ${inLieu} on ${on} — ${reason}`);
      expect(text).toContain('The live status shown here is what counts');
      await Promise.all([page.waitForURL((u) => u.searchParams.get('no') === inLieu), page.getByRole('link', { name: inLieu }).first().click()]);
      const next = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
      expect(next).toContain('Valid — issued');
      expect(next).toContain(`Issued in lieu of ${cert.number} dated`);
      await Promise.all([page.waitForURL((u) => u.searchParams.get('no') === cert.number), page.getByRole('link', { name: cert.number }).first().click()]);
      expect(await page.locator('.status-title').innerText()).toBe('Superseded — not in force');
    } finally {
      await browser.close();
    }
  });

  it('legacy certificates imported by the command, twice (the second inserts nothing), verify with the legacy view; a bad file imports nothing', async () => {
    const seq = randomInt(1_000_000, 9_000_000);
    const first = `EIC/2019/013/${String(seq).padStart(7, '0')}A`;
    const secondNo = `EIC/2019/013/${String(seq + 1).padStart(7, '0')}A`;
    const csv = [
      'number,agency,office,agreement,iec,issue_date,importer_name,importer_country,goods,exporter_name',
      `${first},EIC,EIC-MUM,AIFTA,AAACR5055K,30-03-2019,"SAIGON SEAFOOD, LTD",VIETNAM,"Frozen shrimps (HS 030617), 1,200 cartons",RAJ KUMAR EXPORTS`,
      `${secondNo},EIC,EIC-MUM,013,AAACR5055K,2019-04-05,BANGKOK FOODS,THAILAND,Frozen squid,`,
    ].join('\r\n');
    const file = join(dir, 'legacy-export.csv');
    await writeFile(file, csv);
    const command = (f: string) =>
      run(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/import-legacy-certificates.ts', f], {
        env: { ...process.env, DATABASE_URL: stack.config.db.url, DATA_DIR: stack.dir, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: `${e.stdout}${e.stderr}` }),
      );

    const once = await command(file);
    expect(once.code, once.out).toBe(0);
    expect(once.out).toContain('legacy-export.csv: 2 rows');
    expect(once.out).toContain('imported: 2');
    expect(once.out).toContain('0 already present');
    const twice = await command(file);
    expect(twice.code, twice.out).toBe(0);
    expect(twice.out).toContain('imported: 0');
    expect(twice.out).toContain('2 already present');

    const conn = stack.orm.em.fork().getConnection();
    const rows = await conn.execute(`select number, source, status, kind, application_id, history, verification_token from certificate where number in (?, ?) order by number`, [first, secondNo]);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r).toMatchObject({ source: 'legacy', status: 'issued', kind: 'original', application_id: null });
      expect(r.history).toHaveLength(1);
      expect(r.history[0].event).toBe('imported');
    }

    // a file with a problem: the row and the field named, nothing imported
    const bad = join(dir, 'bad.json');
    const third = `EIC/2019/013/${String(seq + 2).padStart(7, '0')}A`;
    await writeFile(bad, JSON.stringify([{ number: third, agency: 'EIC', office: 'EIC-MUM', agreement: 'AIFTA', iec: 'AAACR5055', issue_date: '2019-04-06', importer: { name: 'X', country: 'OMAN' }, goods: 'Rice' }]));
    const refused = await command(bad);
    expect(refused.code, refused.out).toBe(1);
    expect(refused.out).toContain('row 1, iec: "AAACR5055" is not an IEC: 10 letters and digits');
    expect(refused.out).toContain('nothing was imported');
    expect(await conn.execute(`select number from certificate where number = ?`, [third])).toHaveLength(0);

    // verification: the legacy view, in JSON and on the page
    const url = `${stack.baseUrl}/verify?no=${first}&t=${rows[0]!.verification_token}`;
    const view = await verifyJson(url);
    expect(view).toMatchObject({
      certificateNumber: first,
      status: 'issued',
      source: 'legacy',
      statusText: 'Issued on the legacy platform',
      legacy: { issueDate: '2019-03-30', iec: 'AAACR5055K', importer: { name: 'SAIGON SEAFOOD, LTD', country: 'VIETNAM' }, goodsSummary: 'Frozen shrimps (HS 030617), 1,200 cartons', exporterName: 'RAJ KUMAR EXPORTS' },
    });
    expect(view.certificate).toBeUndefined();
    expect(view.statusDetails[1]).toContain('Its verification continues on the legacy platform');
    const page = await verifyPageText(url);
    expect(page).toContain('Issued on the legacy platform');
    expect(page).toContain('Issued on 30 MAR 2019 on the legacy eCoO 1.0 platform (https://coo.dgft.gov.in)');
    expect(page).toContain('Its verification continues on the legacy platform');
    expect(page).toContain('SAIGON SEAFOOD, LTD');
    expect(page).toContain('Record imported from the legacy eCoO 1.0 platform');

    // its cancellation belongs to the legacy platform too
    const cancel = await api(stack, 'POST', path(first, 'cancellation-payload'), { token: t.priya, body: { reason: 'wrong importer' } });
    expect(cancel.status).toBe(409);
    expect(cancel.body.detail).toContain('legacy eCoO 1.0 platform');
  });
});
