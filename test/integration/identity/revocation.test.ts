/**
 * Revocation of DSCs against a real OCSP responder (`openssl ocsp` on the test PKI's index) and the test
 * PKI's CRL served over local HTTP: a good DSC accepted, a revoked one refused (by OCSP, then by the CRL when
 * the responder is down), and with neither answering, fail-open accepts with a warning while fail-closed
 * refuses saying why. Answers are cached up to the configured age.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../../lib/errors.js';
import { freePort } from '../../../scripts/infra/process.js';
import { ensureTestPki, publishTestCrl, revokeTestCertificate, writeOcspIndex, type TestPki } from '../../../scripts/pki/test-pki.js';
import { createRevocationChecker, type RevocationSettings } from '../../../services/identity/revocation.js';
import { waitFor } from '../../helpers/wait-for.js';

let dir: string;
let pki: TestPki;
let ocspPort: number;
let crlPort: number;
let ocsp: ChildProcess | null = null;
let crlServer: Server | null = null;
const REVOKED_AT = new Date(Date.UTC(2026, 10, 30, 9, 15, 0));

const settings = (mode: RevocationSettings['mode']): RevocationSettings => ({ mode, maxAgeMs: 60 * 60_000, timeoutMs: 3000 });
const dscOf = (name: string) => {
  const id = pki.identities[name]!;
  return { chainPems: [id.certPem, pki.subCaPem, pki.rootCaPem], subjectCommonName: id.commonName, serialNumber: name };
};

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

async function stopOcsp(): Promise<void> {
  const child = ocsp;
  ocsp = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function stopCrlServer(): Promise<void> {
  const s = crlServer;
  crlServer = null;
  if (s) await new Promise((r) => s.close(r));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pki-revocation-'));
  ocspPort = await freePort();
  crlPort = await freePort();
  pki = await ensureTestPki(dir, { ocspUrl: `http://127.0.0.1:${ocspPort}`, crlUrl: `http://127.0.0.1:${crlPort}/sub-ca.crl` });
  await revokeTestCertificate(pki, 'exporter-anita', { at: REVOKED_AT, reason: 1 });
  const index = await writeOcspIndex(pki);
  await publishTestCrl(pki);

  ocsp = spawn(
    'openssl',
    ['ocsp', '-index', index, '-port', String(ocspPort), '-rsigner', join(dir, 'sub-ca.cert.pem'), '-rkey', join(dir, 'sub-ca.key.pem'), '-CA', join(dir, 'sub-ca.cert.pem')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let said = '';
  ocsp.stdout!.on('data', (c: Buffer) => (said += c.toString()));
  ocsp.stderr!.on('data', (c: Buffer) => (said += c.toString()));
  crlServer = createServer((req, res) => {
    if (req.url !== '/sub-ca.crl') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(readFileSync(join(dir, 'sub-ca.crl')));
  });
  await new Promise<void>((r) => crlServer!.listen(crlPort, '127.0.0.1', r));
  // a probe connection would hold the single-threaded responder: wait for it to say it listens
  await waitFor(() => said.includes('waiting for OCSP client connections'), { what: `openssl ocsp listening on ${ocspPort}`, show: () => said });
}, 120_000);

afterAll(async () => {
  await stopOcsp();
  await stopCrlServer();
  rmSync(dir, { recursive: true, force: true });
});

describe('DSC revocation (OCSP and CRL from the certificate’s own URLs)', () => {
  // one fail-closed checker across the file: its cache answers after the responders are gone
  let clock = Date.now();
  const cachedChecker = () => shared ?? (shared = createRevocationChecker(settings('fail-closed'), { now: () => clock }));
  let shared: ReturnType<typeof createRevocationChecker> | undefined;

  it('the test PKI names both URLs in the DSCs it issues', async () => {
    const { readCertificate } = await import('../../../lib/crypto/x509.js');
    const c = readCertificate(pki.identities['exporter-raj']!.certPem);
    expect(c.ocspUrls).toEqual([`http://127.0.0.1:${ocspPort}`]);
    expect(c.crlUrls).toEqual([`http://127.0.0.1:${crlPort}/sub-ca.crl`]);
  });

  it('OCSP: a good DSC is accepted, a revoked one refused with when and why', async () => {
    const checker = cachedChecker();
    const good = await checker.assertNotRevoked(dscOf('exporter-raj'));
    expect(good).toMatchObject({ status: 'good', source: 'ocsp' });

    const e = await refusal(checker.assertNotRevoked(dscOf('exporter-anita')));
    expect(e.code).toBe(ErrorCode.DscRevoked);
    expect(e.message).toBe(
      'This digital signature certificate (ANITA MENON, serial exporter-anita) was revoked by its certifying authority on 2026-11-30 09:15 UTC (reason: keyCompromise). A revoked DSC cannot sign: use a valid DSC and register it.',
    );
    expect(e.details).toMatchObject({ source: 'ocsp', revokedAt: REVOKED_AT.toISOString() });
  });

  it('CRL: with the responder down, the CRL answers (a revoked DSC refused, a good one accepted)', async () => {
    await stopOcsp();
    const checker = createRevocationChecker(settings('fail-closed'));
    const e = await refusal(checker.assertNotRevoked(dscOf('exporter-anita')));
    expect(e.code).toBe(ErrorCode.DscRevoked);
    expect(e.details).toMatchObject({ source: 'crl', revokedAt: REVOKED_AT.toISOString(), reason: 'keyCompromise' });
    expect(await checker.assertNotRevoked(dscOf('exporter-raj'))).toMatchObject({ status: 'good', source: 'crl' });
  });

  it('neither answering: fail-open accepts with a logged warning, fail-closed refuses saying why', async () => {
    await stopCrlServer();
    const warnings: unknown[][] = [];
    const open = createRevocationChecker(settings('fail-open'), { logger: { warn: (...args: unknown[]) => void warnings.push(args) } as never });
    expect(await open.assertNotRevoked(dscOf('exporter-senthil'))).toMatchObject({ status: 'unknown' });
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]![1])).toMatch(/revocation status unknown: accepted/);
    expect(JSON.stringify(warnings[0]![0])).toContain(`127.0.0.1:${ocspPort} did not answer`);

    const closed = createRevocationChecker(settings('fail-closed'));
    const e = await refusal(closed.assertNotRevoked(dscOf('exporter-senthil')));
    expect(e.code).toBe(ErrorCode.DependencyUnavailable);
    expect(e.status).toBe(503);
    expect(e.message).toMatch(/^Whether this digital signature certificate \(SENTHIL MURUGAN\) is revoked cannot be checked now/);
    expect(e.message).toContain(`http://127.0.0.1:${crlPort}/sub-ca.crl did not answer`);
  });

  it('answers are cached up to the configured age, then asked again', async () => {
    const checker = cachedChecker();
    // answered by OCSP earlier in this file; both servers are down now
    expect(await checker.assertNotRevoked(dscOf('exporter-raj'))).toMatchObject({ status: 'good' });
    await expect(checker.assertNotRevoked(dscOf('exporter-anita'))).rejects.toMatchObject({ code: ErrorCode.DscRevoked });
    clock += 61 * 60_000; // past DSC_REVOCATION_MAX_AGE (1 hour here): asked again, and nobody answers
    await expect(checker.assertNotRevoked(dscOf('exporter-raj'))).rejects.toMatchObject({ code: ErrorCode.DependencyUnavailable });
  });

  it('off checks nothing', async () => {
    expect(await createRevocationChecker(settings('off')).assertNotRevoked(dscOf('exporter-anita'))).toBeNull();
  });
});
