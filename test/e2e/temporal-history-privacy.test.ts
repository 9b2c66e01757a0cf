import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { ENCRYPTED_ENCODING, METADATA_KEY_ID } from '../../lib/temporal-codec.js';
import { applicationWorkflowId } from '../../workflows/application/contract.js';
import { exporterRegistrationWorkflowId } from '../../workflows/exporter-registration/contract.js';
import { iecRefreshWorkflowId } from '../../workflows/iec-refresh/contract.js';
import { createCompleteDraft } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, sign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';

// What Temporal's server holds of an exporter's application, read raw (a client without the codec), and the
// codec endpoint through which a platform administrator, and only one, reads it decrypted.
const IEC = 'AAACR5055K';
const REMARK = 'Resend the invoice countersigned by Mr Sharma of Andheri East';
const PERSONAL = ['Raj Kumar Sharma', 'raj.sharma@rajkumarexports.example', 'exports@rajkumarexports.example', 'RAJ KUMAR EXPORTS', '9820044001', 'Shreeji Arcade', REMARK];
const UI = 'http://127.0.0.1:8233';

const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');

/** Every payload of a history, with where it sits. */
function payloadsOf(node: unknown, where: string[] = [], out: { where: string; payload: Payload }[] = []) {
  if (!node || typeof node !== 'object' || ArrayBuffer.isView(node)) return out;
  const rec = node as Record<string, unknown>;
  if ('metadata' in rec && ('data' in rec || Object.keys(rec).length === 1) && !Array.isArray(node)) {
    out.push({ where: where.join('.'), payload: rec as Payload });
    return out;
  }
  for (const [k, v] of Object.entries(rec)) payloadsOf(v, [...where, k], out);
  return out;
}

describe("personal data in Temporal's history", () => {
  let stack: Stack;
  let raw: Client;
  const t = {} as Record<'raj' | 'priya' | 'admin' | 'helpdesk', string>;
  const histories = new Map<string, temporal.api.history.v1.IHistory>();
  let applicationNumber = '';

  beforeAll(async () => {
    stack = await startStack({ name: 'history-privacy' });
    const pki = await testPki(stack);
    await stack.startWorker();
    t.raj = await stack.token({ sub: `${IEC}-1`, name: 'Raj Kumar Sharma', email: 'raj.sharma@rajkumarexports.example', roles: ['exporter'], iec: IEC });
    t.priya = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    t.admin = await stack.token({ sub: 'platform-admin', name: 'Sanjay Verma', roles: ['admin'] });
    t.helpdesk = await stack.token({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
    // the server as anyone with access to it sees it: no codec
    raw = new Client({ connection: stack.connection });

    // the exporter registers (a workflow unless an earlier file registered Raj already), the IEC master is
    // read again (the whole IEC record through an activity), and an application goes to a deficiency
    await registerWithDsc(stack, pki, t.raj, IEC, 'exporter-raj');
    const refresh = await api(stack, 'POST', `/v1/iec-master/${IEC}/refresh`, { token: t.admin });
    expect(refresh.status, JSON.stringify(refresh.body)).toBe(200);
    const draft = await createCompleteDraft(stack, t.raj);
    applicationNumber = draft.number;
    // signed first with a colleague's DSC: refused by the workflow's activity, a failure in the history
    const sub = await api(stack, 'POST', `/v1/applications/${draft.id}/submit`, { token: t.raj });
    expect(sub.status, JSON.stringify(sub.body)).toBe(202);
    const signWith = (identity: string) => api(stack, 'POST', `/v1/applications/${draft.id}/signature`, { token: t.raj, body: { signatureB64: sign(pki, identity, sub.body.signing.contentB64) } });
    const wrong = await signWith('exporter-raj-user2');
    expect(wrong.body.code, JSON.stringify(wrong.body)).toBe('signer_not_acting_user');
    expect(wrong.body.detail).toContain('not registered to you');
    expect((await signWith('exporter-raj')).status).toBe(200);
    await payAtGateway(stack, t.raj, draft.id, 'success');
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    const d = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/deficiency`, { token: t.priya, body: { remarks: REMARK, documentsRequested: [] } });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    await waitForStatus(stack, t.raj, draft.id, 'Deficient');

    for (const id of [exporterRegistrationWorkflowId(IEC), iecRefreshWorkflowId(IEC), applicationWorkflowId(draft.number)]) {
      try {
        histories.set(id, await raw.workflow.getHandle(id).fetchHistory());
      } catch (e) {
        if (id !== exporterRegistrationWorkflowId(IEC)) throw e;
      }
    }
  });
  afterAll(async () => {
    if (applicationNumber) await stack?.client.workflow.getHandle(applicationWorkflowId(applicationNumber)).terminate('end of test').catch(() => undefined);
    await stack?.stop();
  });

  it('stores every workflow and activity payload encrypted, with the key id in its metadata', () => {
    expect(histories.size).toBeGreaterThanOrEqual(2);
    for (const [id, history] of histories) {
      const payloads = payloadsOf(history.events).filter((p) => !p.where.includes('searchAttributes') && !p.where.includes('markerRecordedEventAttributes'));
      expect(payloads.length, id).toBeGreaterThan(3);
      for (const { where, payload } of payloads) {
        expect(text(payload.metadata?.encoding), `${id}: ${where}`).toBe(ENCRYPTED_ENCODING);
        expect(text(payload.metadata?.[METADATA_KEY_ID]), `${id}: ${where}`).toBe('dev');
      }
    }
  });

  it('stores failures with their message and stack trace encrypted', () => {
    const failures: { id: string; failure: temporal.api.failure.v1.IFailure }[] = [];
    const walk = (id: string, node: unknown): void => {
      if (!node || typeof node !== 'object' || ArrayBuffer.isView(node)) return;
      for (const [k, v] of Object.entries(node)) {
        if ((k === 'failure' || k === 'cause') && v && typeof v === 'object' && 'message' in v) failures.push({ id, failure: v as temporal.api.failure.v1.IFailure });
        walk(id, v);
      }
    };
    for (const [id, history] of histories) walk(id, history.events);
    expect(failures.length, 'the refused signature left failures in the history').toBeGreaterThan(0);
    for (const { id, failure } of failures) {
      expect(failure.message, id).toBe('Encoded failure');
      expect(failure.stackTrace ?? '', id).toBe('');
      expect(text(failure.encodedAttributes?.metadata?.encoding), id).toBe(ENCRYPTED_ENCODING);
    }
    expect(JSON.stringify(failures.map((f) => f.failure))).not.toContain('not registered to you');
  });

  it("holds none of the exporter's names, e-mails, phone, address or the officer's remarks in clear text", () => {
    for (const [id, history] of histories) {
      const payloadText = payloadsOf(history.events).map((p) => text(p.payload.data) + Object.values(p.payload.metadata ?? {}).map(text).join(' '));
      const everything = (historyToJSON(history) + payloadText.join('\n')).toLowerCase();
      for (const s of PERSONAL) expect(everything.includes(s.toLowerCase()), `${id} holds "${s}"`).toBe(false);
      // the IEC is a business key: a search attribute and part of some workflow ids, never in a payload
      const nonSearchAttributes = payloadsOf(history.events).filter((p) => !p.where.includes('searchAttributes'));
      for (const p of nonSearchAttributes) expect(text(p.payload.data), `${id}: ${p.where}`).not.toContain(IEC);
    }
  });

  it('indexes the application by business keys only', async () => {
    const d = await raw.workflow.getHandle(applicationWorkflowId(applicationNumber)).describe();
    const keys = Object.fromEntries(d.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    expect(Object.keys(keys).filter((k) => k.startsWith('Coo')).sort()).toEqual(['CooAgency', 'CooAgreement', 'CooApplicationNumber', 'CooFileNumber', 'CooFileStatus', 'CooIec', 'CooOffice']);
    expect(keys).toMatchObject({ CooApplicationNumber: applicationNumber, CooIec: IEC, CooFileStatus: 'Deficient', CooAgency: 'EIC', CooOffice: 'EIC-MUM' });
  });

  describe('the codec endpoint of the Temporal Web UI', () => {
    const toJson = (p: Payload) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
      data: Buffer.from(p.data ?? []).toString('base64'),
    });
    const started = () => histories.get(applicationWorkflowId(applicationNumber))!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const decode = (opts: { token?: string; body?: unknown; headers?: Record<string, string> }) =>
      api(stack, 'POST', '/codec/decode', { body: { payloads: [toJson(started())] }, ...opts, headers: { origin: UI, 'x-namespace': 'default', ...opts.headers } });

    it("gives a platform administrator the workflow's input decrypted, with CORS for the Web UI", async () => {
      const r = await decode({ token: t.admin });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBe(UI);
      expect(r.headers.get('access-control-allow-credentials')).toBe('true');
      const [p] = r.body.payloads;
      expect(Buffer.from(p.metadata.encoding, 'base64').toString()).toBe('json/plain');
      const input = JSON.parse(Buffer.from(p.data, 'base64').toString('utf8'));
      expect(input).toMatchObject({ applicationNumber, iec: IEC, exporterUserId: `${IEC}-1`, officeCode: 'EIC-MUM' });
    });

    it('refuses without a token (401) and to anyone but a platform administrator (403), as problem+json the UI can read', async () => {
      const none = await decode({});
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toContain('application/problem+json');
      expect(none.headers.get('access-control-allow-origin')).toBe(UI);
      expect(none.body).toMatchObject({ code: 'unauthorized' });
      for (const token of [t.raj, t.helpdesk, t.priya]) {
        const r = await decode({ token });
        expect(r.status).toBe(403);
        expect(r.body).toMatchObject({ code: 'forbidden', detail: 'This operation needs one of these roles: admin.' });
        expect(JSON.stringify(r.body)).not.toContain(applicationNumber);
      }
      const forged = await decode({ token: t.admin.slice(0, -4) + 'AAAA' });
      expect(forged.status).toBe(401);
    });

    it("answers the browser's preflight for the UI's origin only", async () => {
      const preflight = (origin: string) =>
        api(stack, 'OPTIONS', '/codec/decode', { headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' } });
      const ok = await preflight(UI);
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
      expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
      expect(ok.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-namespace']));
      expect((await preflight('http://localhost:8233')).status).toBe(204);
      const other = await preflight('https://evil.example');
      expect(other.status).toBe(403);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      // and an answer to another origin carries no CORS header: its page cannot read it
      const r = await decode({ token: t.admin, headers: { origin: 'https://evil.example' } });
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('keeps an administrator\'s token in an HttpOnly cookie for a Web UI without sign-in, and decodes with it', async () => {
      const page = await api(stack, 'GET', '/codec/session');
      expect(page.status).toBe(200);
      expect(page.body).toContain('npm run -s token -- platform-admin');
      const session = (token: string) =>
        fetch(`${stack.baseUrl}/codec/session`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }), redirect: 'manual' });
      for (const [token, status] of [[t.raj, 403], ['not-a-token', 401]] as const) {
        const r = await session(token);
        expect(r.status).toBe(status);
        expect(r.headers.get('set-cookie')).toBeNull();
      }
      const ok = await session(t.admin);
      expect(ok.status).toBe(200);
      const cookie = ok.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^coo_codec_session=[^;]+; Max-Age=\d+; Path=\/codec; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
      const jar = cookie.split(';')[0]!;
      const withCookie = await decode({ headers: { cookie: jar } });
      expect(withCookie.status, JSON.stringify(withCookie.body)).toBe(200);
      expect(JSON.parse(Buffer.from(withCookie.body.payloads[0].data, 'base64').toString())).toMatchObject({ applicationNumber });
      // a cookie holding anyone else's token is refused like their header
      expect((await decode({ headers: { cookie: `coo_codec_session=${t.raj}` } })).status).toBe(403);
      const end = await fetch(`${stack.baseUrl}/codec/session/end`, { method: 'POST', headers: { cookie: jar } });
      expect(end.headers.get('set-cookie')).toMatch(/^coo_codec_session=; Path=\/codec; Expires=Thu, 01 Jan 1970/);
    });

    it('encodes with the current key what decodes back, passes clear payloads through, refuses a tampered one and another namespace', async () => {
      const clear = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"note":"typed in the UI"}').toString('base64') };
      const enc = await api(stack, 'POST', '/codec/encode', { token: t.admin, body: { payloads: [clear] }, headers: { 'x-namespace': 'default' } });
      expect(enc.status, JSON.stringify(enc.body)).toBe(200);
      const encrypted = enc.body.payloads[0];
      expect(Buffer.from(encrypted.metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
      const back = await api(stack, 'POST', '/codec/decode', { token: t.admin, body: { payloads: [encrypted, clear] } });
      expect(back.status).toBe(200);
      expect(back.body.payloads).toEqual([clear, clear]);

      const data = Buffer.from(encrypted.data, 'base64');
      data[20] = data[20]! ^ 1;
      const tampered = await api(stack, 'POST', '/codec/decode', { token: t.admin, body: { payloads: [{ ...encrypted, data: data.toString('base64') }] } });
      expect(tampered.status).toBe(400);
      expect(tampered.body.detail).toMatch(/fails authentication/);

      // the Temporal CLI (--codec-endpoint, --codec-auth) sends an empty X-Namespace
      expect((await decode({ token: t.admin, headers: { 'x-namespace': '' } })).status).toBe(200);
      const elsewhere = await decode({ token: t.admin, headers: { 'x-namespace': 'payments' } });
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.body.detail).toContain('serves the namespace "default"');
    });
  });
});
