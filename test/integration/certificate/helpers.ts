import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateDevQrKeyPem, loadQrSigningKey, type QrSigningKey } from '../../../services/certificate/qr-payload.js';
import { demoCertificateImages } from '../../../services/certificate/samples.js';
import { createP12Signer, type CmsSigner } from '../../../services/pdf/sign-pdf.js';
import type { CertificateIssuer } from '../../../services/certificate/issue-certificate-pdf.js';
import { ensureTestPki, type TestPki } from '../../../scripts/pki/test-pki.js';

const run = promisify(execFile);

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a program and returns its output whatever the exit code (pdfsig exits 0 even on failure). */
export async function runTool(cmd: string, args: string[]): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(cmd, args, { maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number | string };
    if (typeof err.code === 'string') throw e; // ENOENT: tool missing
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: typeof err.code === 'number' ? err.code : 1 };
  }
}

export interface CertificateTestEnv {
  dir: string;
  pki: TestPki;
  /** NSS database trusting the test root CA */
  nssDir: string;
  /** NSS database trusting nothing */
  emptyNssDir: string;
  eseal: CmsSigner;
  qrKey: QrSigningKey;
  issuer: CertificateIssuer;
  cleanup(): Promise<void>;
}

export async function createNssDb(dir: string, caPems: string[]): Promise<string> {
  const db = join(dir, `nss-${caPems.length}-${Math.random().toString(36).slice(2, 8)}`);
  await run('mkdir', ['-p', db]);
  await run('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
  for (const [i, pem] of caPems.entries()) {
    const file = join(dir, `ca-${i}.pem`);
    await writeFile(file, pem);
    await run('certutil', ['-A', '-d', `sql:${db}`, '-n', `test-ca-${i}`, '-t', 'CT,C,C', '-a', '-i', file]);
  }
  return db;
}

export async function createCertificateTestEnv(prefix: string): Promise<CertificateTestEnv> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  // without revocation URLs: pdfsig (NSS) reports a certificate naming a CRL as "Unknown issue with Certificate"
  const pki = await ensureTestPki(join(dir, 'pki'), { revocation: false });
  const nssDir = await createNssDb(dir, [pki.rootCaPem]);
  const emptyNssDir = await createNssDb(dir, []);
  const id = pki.identities['eseal-EIC-MUM'];
  if (!id) throw new Error('test PKI has no eseal-EIC-MUM');
  const eseal = createP12Signer({ p12: id.p12Base64, password: pki.password, label: 'e-seal EIC-MUM' });
  const qrKey = await loadQrSigningKey(generateDevQrKeyPem());
  const issuer: CertificateIssuer = {
    signer: eseal,
    qrKey,
    publicBaseUrl: 'https://trade.example.gov.in',
    linkSecret: 'test-link-secret',
    images: demoCertificateImages('PRIYA DESHPANDE', { agency: 'Export Inspection Council of India', office: 'Mumbai', short: 'EIC' }),
    contactInfo: 'coo-dgft@gov.in',
  };
  return { dir, pki, nssDir, emptyNssDir, eseal, qrKey, issuer, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function pdfsig(file: string, nssDir?: string): Promise<string> {
  const r = await runTool('pdfsig', nssDir ? ['-nssdir', `sql:${nssDir}`, file] : [file]);
  return `${r.stdout}\n${r.stderr}`;
}

/** Renders pages to PNG with pdftoppm and returns the file paths in page order. */
export async function renderPages(pdfFile: string, outPrefix: string, opts: { dpi: number; first?: number; last?: number }): Promise<string[]> {
  const args = ['-png', '-r', String(opts.dpi)];
  if (opts.first) args.push('-f', String(opts.first));
  if (opts.last) args.push('-l', String(opts.last));
  const r = await runTool('pdftoppm', [...args, pdfFile, outPrefix]);
  if (r.code !== 0) throw new Error(`pdftoppm failed: ${r.stderr}`);
  const dir = outPrefix.slice(0, outPrefix.lastIndexOf('/'));
  const base = outPrefix.slice(outPrefix.lastIndexOf('/') + 1);
  return (await readdir(dir))
    .filter((f) => f.startsWith(`${base}-`) && f.endsWith('.png'))
    .sort()
    .map((f) => join(dir, f));
}

/** Decodes QR codes in an image with zbarimg; returns the decoded texts. */
export async function zbar(png: string): Promise<string[]> {
  const r = await runTool('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', png]);
  return r.stdout.split('\n').filter((l) => l.length > 0);
}
