import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type TestPki } from '../../../scripts/pki/test-pki.js';
import { canonicalDocument } from '../../../domain/identity/canonical.js';
import { verifySignedContent } from '../../../domain/identity/verify-signed-content.js';
import { parseCertificate } from '../../../domain/identity/parse-certificate.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');

let pki: TestPki;
let dir: string;

function sign(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [tsx, join(root, 'scripts/sign.ts'), ...args], { input, cwd: root, encoding: 'buffer' });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pki-cli-'));
  pki = await ensureTestPki(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/sign.ts (the .p12 "USB token")', () => {
  it('signs a payload file; the server-side check accepts it for the registered user', () => {
    const doc = canonicalDocument({ application: 'DRAFTCOOAPPLY00229268AM25', tab: 'summary' });
    const payload = join(dir, 'payload.bin');
    writeFileSync(payload, doc.bytes);
    const r = sign(['--p12', pki.identities['exporter-raj']!.p12Path, '--password', pki.password, '--in', payload]);
    expect(r.stderr).toContain(`SHA-256 ${doc.sha256}`);
    expect(r.status).toBe(0);
    const v = verifySignedContent({
      signature: r.stdout.trim(),
      content: doc.bytes,
      trustedCaPems: pki.trustedCaPems,
      expectedIec: 'AAACR5055K',
      registeredFingerprintsSha256: [parseCertificate(pki.identities['exporter-raj']!.certPem).fingerprintSha256],
    });
    expect(v.dsc.subjectCommonName).toBe('RAJ KUMAR SHARMA');
  });

  it('reads standard input and writes DER with --out', () => {
    const out = join(dir, 'sig.p7s');
    const r = sign(['--p12', pki.identities['officer-eic-mum']!.p12Path, '--password', pki.password, '--in', '-', '--out', out, '--quiet'], Buffer.from('hello'));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const v = verifySignedContent({
      signature: readFileSync(out),
      content: 'hello',
      trustedCaPems: pki.trustedCaPems,
      expectedIec: null,
      registeredFingerprintsSha256: [parseCertificate(pki.identities['officer-eic-mum']!.certPem).fingerprintSha256],
    });
    expect(v.dsc.subjectCommonName).toBe('PRIYA DESHPANDE');
  });

  it('says clearly what is wrong', () => {
    const p12 = pki.identities['exporter-raj']!.p12Path;
    expect(sign(['--p12', p12, '--password', 'nope', '--in', '-'], Buffer.from('x'))).toMatchObject({ status: 1, stderr: expect.stringContaining('Wrong password for the PKCS#12 (.p12) file.') });
    expect(sign(['--p12', join(dir, 'missing.p12'), '--password', 'x', '--in', '-'], Buffer.from('x')).stderr).toContain('PKCS#12 file not found');
    expect(sign(['--p12', p12, '--password', pki.password, '--in', join(dir, 'nothing.bin')]).stderr).toContain('Input file not found');
    expect(sign(['--p12', p12]).stderr).toContain('Missing --password, --in');
  });
});
