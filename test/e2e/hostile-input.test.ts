import net from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, type Stack } from '../helpers/stack.js';

/** A request written byte for byte (fetch would encode or refuse it); the answer's status, Content-Type and body. */
async function rawRequest(stack: Stack, raw: string): Promise<{ status: number; type: string | undefined; body: any }> {
  const url = new URL(stack.baseUrl);
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(url.port), url.hostname, () => socket.end(Buffer.from(raw, 'latin1')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const type = /^content-type:\s*(.+)$/im.exec(head)?.[1];
  return { status: Number(head.split(' ')[1]), type, body: body ? JSON.parse(body) : undefined };
}

// Input no route can use is refused at the edge with a 400 problem+json naming where it is: never a 500,
// never a stack trace, and nothing reaches PostgreSQL (which refuses NUL characters in text).
describe('hostile input at the edge', () => {
  let stack: Stack;
  let raj: string;
  let kavita: string;

  beforeAll(async () => {
    stack = await startStack({ name: 'hostile-input' });
    raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    kavita = await stack.token({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
  });
  afterAll(() => stack?.stop());

  const expect400 = (r: Awaited<ReturnType<typeof api>>, path: RegExp) => {
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body.code).toBe('validation_failed');
    expect(r.body.errors.map((e: { path: string }) => e.path).join(' ')).toMatch(path);
    expect(JSON.stringify(r.body)).not.toMatch(/URIError|at .*\.js:\d+/);
  };

  it('refuses malformed percent-encoding in any path, with or without a token, public routes included', async () => {
    expect400(await api(stack, 'GET', '/v1/applications/%E0%A4%A/workflow'), /^path\/3$/);
    expect400(await api(stack, 'GET', '/v1/applications/%E0%A4%A/workflow', { token: raj }), /^path\/3$/);
    expect400(await api(stack, 'GET', '/v1/certificates/EIC%2F2026%ZZ/pdf', { token: raj }), /^path\/3$/);
    expect400(await api(stack, 'GET', '/verify/%C0%AF'), /^path\/2$/);
    expect400(await api(stack, 'GET', '/v1/exporters/%'), /^path\/3$/);
  });

  it('refuses a NUL character in a path, a query or a JSON body, naming the field', async () => {
    expect400(await api(stack, 'GET', '/v1/verify/EIC%2F2026%2F031%2F0000001A%00'), /^path\/3$/);
    expect400(await api(stack, 'GET', '/v1/applications?view=drafts&invoiceNumber=INV%001', { token: raj }), /^query\/invoiceNumber$/);
    expect400(await api(stack, 'POST', '/v1/applications', { token: raj, body: { tabs: { basic: { branch: 'Mumbai\u0000' } } } }), /^body\/tabs\/basic\/branch$/);
    expect400(await api(stack, 'POST', '/v1/helpdesk/tickets/HD-2026-000001/reply', { token: kavita, body: { body: 'Hello\u0000there' } }), /^body\/body$/);
    // keys too
    expect400(await api(stack, 'POST', '/v1/applications', { token: raj, body: '{"a\\u0000b": 1}' }), /^body\/a\\0b$/);
  });

  it('refuses a body compressed in a way its bytes are not, naming the Content-Encoding', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const r = await api(stack, 'POST', '/v1/applications/x/payment', { token: raj, body: 'not compressed', headers: { 'content-encoding': encoding } });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ code: 'validation_failed', detail: `The request body could not be decompressed: it is not valid "${encoding}" as its Content-Encoding says.` });
    }
    // a small compressed body that inflates beyond the limit is refused as too large
    const bomb = zlib.gzipSync(Buffer.from(JSON.stringify({ method: 'x'.repeat(8 * 1024 * 1024) })));
    const res = await fetch(`${stack.baseUrl}/v1/applications/x/payment`, { method: 'POST', headers: { authorization: `Bearer ${raj}`, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toBe('The request body is too large: at most 2 MB.');
  });

  it('refuses a JSON body nested deeper than 32 levels, naming where', async () => {
    const deep = `{"document":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)},"purpose":"declaration"}`;
    const r = await api(stack, 'POST', '/v1/signing-requests', { token: raj, body: deep });
    expect400(r, /^body\/document(\/a){31}$/);
    expect(r.body.errors[0].message).toBe('nested more than 32 levels deep (objects and lists inside one another)');
    // a document of ordinary depth is still taken
    const ok = await api(stack, 'POST', '/v1/signing-requests', { token: raj, body: { purpose: 'declaration', document: { a: { b: [{ c: 1 }] } } } });
    expect(ok.status, JSON.stringify(ok.body)).not.toBe(400);
  });

  it("answers what Node's HTTP parser refuses as problem+json too: a raw non-ASCII byte or a space in the URL, an oversized URL, no Host", async () => {
    const byte = await rawRequest(stack, 'GET /v1/applications/\xe9t\xe9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(byte).toMatchObject({ status: 400, type: 'application/problem+json; charset=utf-8', body: { code: 'validation_failed', status: 400 } });
    expect(byte.body.detail).toMatch(/must be percent-encoded/);
    expect((await rawRequest(stack, 'GET /v1/a b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status).toBe(400);
    const long = await rawRequest(stack, `GET /v1/applications/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(long).toMatchObject({ status: 431, type: 'application/problem+json; charset=utf-8', body: { code: 'validation_failed' } });
    const length = await rawRequest(stack, 'POST /v1/payments/callback HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}');
    expect(length).toMatchObject({ status: 400, body: { detail: expect.stringContaining('Content-Length') } });
    const noHost = await rawRequest(stack, 'GET /v1/applications HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(noHost).toMatchObject({ status: 400, type: expect.stringMatching(/^application\/problem\+json/), body: { code: 'validation_failed', errors: [{ path: 'headers/host' }] } });
  });

  it('keeps answering normally afterwards', async () => {
    expect((await api(stack, 'GET', '/readyz')).status).toBe(200);
    expect((await api(stack, 'GET', '/v1/applications/does-not-exist/workflow', { token: raj })).status).toBe(404);
  });
});
