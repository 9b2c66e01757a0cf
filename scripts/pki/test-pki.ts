/**
 * Test PKI for development and tests: a root CA, a class 3 sub-CA, exporter/officer DSCs (good and bad),
 * office e-seals and the eSign sandbox provider's certificate.
 *
 *   npx tsx scripts/pki/test-pki.ts [dir]      (default .data/pki)
 *
 * Idempotent: when `dir/manifest.json` exists it is loaded, not regenerated. Delete the folder to regenerate.
 * Keys come from Node's native RSA key generation (fast); certificates and PKCS#12 files from node-forge.
 *
 * Every DSC the sub-CA issues names a CRL distribution point and an OCSP responder (Authority
 * Information Access), by default on 127.0.0.1 ports 2560 (OCSP) and 2561 (CRL), or as given. A certificate is
 * revoked with `revokeTestCertificate`; `publishTestCrl` writes the sub-CA's CRL (sub-ca.crl, DER) and
 * `writeOcspIndex` the index `openssl ocsp -index` answers from:
 *
 *   npx tsx scripts/pki/test-pki.ts [dir] revoke exporter-anita   (revoked.json, index.txt and sub-ca.crl rewritten)
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import * as pkijs from 'pkijs';

export interface TestIdentity {
  name: string;
  certPem: string;
  keyPem: string;
  p12Path: string;
  p12Base64: string;
  commonName: string;
  iec?: string;
  kind: 'exporter' | 'officer' | 'eseal' | 'esign';
}

export interface TestPki {
  dir: string;
  password: string;
  rootCaPem: string;
  subCaPem: string;
  /** root + sub */
  trustedCaPems: string[];
  untrustedRootCaPem: string;
  identities: Record<string, TestIdentity>;
  /** where the sub-CA's certificates say their revocation status is published */
  revocation?: { ocspUrl: string; crlUrl: string };
}

export interface TestPkiOptions {
  /** the OCSP responder named in issued certificates (default http://127.0.0.1:2560) */
  ocspUrl?: string;
  /** the CRL distribution point named in issued certificates (default http://127.0.0.1:2561/sub-ca.crl) */
  crlUrl?: string;
  /** false: issue certificates that name no revocation service (NSS, hence pdfsig, cannot validate a certificate whose CRL it cannot use) */
  revocation?: boolean;
}

export const DEFAULT_REVOCATION_URLS = { ocspUrl: 'http://127.0.0.1:2560', crlUrl: 'http://127.0.0.1:2561/sub-ca.crl' } as const;

export const TEST_PKI_PASSWORD = 'test1234';

/** India CCA certificate policy OIDs (class 1, 2, 3). */
export const CCA_POLICY = { class1: '2.16.356.100.2.1', class2: '2.16.356.100.2.2', class3: '2.16.356.100.2.3' } as const;

const MANIFEST = 'manifest.json';
const DAY = 24 * 60 * 60 * 1000;
const YEAR = 365 * DAY;

const genKeyPair = promisify(generateKeyPair);

interface KeyPair {
  keyPem: string;
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
}

async function newKeyPair(): Promise<KeyPair> {
  const { privateKey } = await genKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const fk = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { keyPem: privateKey, privateKey: fk, publicKey: forge.pki.setRsaPublicKey(fk.n, fk.e) };
}

type Attr = { shortName?: string; type?: string; value: string; valueTagClass?: number };

function utf8(shortName: string, value: string): Attr {
  return { shortName, value: forge.util.encodeUtf8(value), valueTagClass: forge.asn1.Type.UTF8 as number };
}

function policiesExtension(oid: string) {
  const { asn1 } = forge;
  return {
    id: '2.5.29.32',
    name: 'certificatePolicies',
    value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
      ]),
    ]),
  };
}

interface Issuer {
  cert: forge.pki.Certificate;
  key: KeyPair;
}

interface CertSpec {
  subject: Attr[];
  key: KeyPair;
  issuer: Issuer | null; // null = self-signed
  notBefore: Date;
  notAfter: Date;
  ca?: { pathLen?: number };
  keyUsage?: Record<string, boolean>;
  policyOid?: string;
  revocation?: { ocspUrl: string; crlUrl: string };
}

/** Authority Information Access with one OCSP responder (RFC 5280 4.2.2.1). */
function ocspExtension(url: string) {
  const { asn1 } = forge;
  return {
    id: '1.3.6.1.5.5.7.1.1',
    name: 'authorityInfoAccess',
    value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.3.6.1.5.5.7.48.1').getBytes()),
        asn1.create(asn1.Class.CONTEXT_SPECIFIC, 6, false, url),
      ]),
    ]),
  };
}

function makeCert(spec: CertSpec): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = spec.key.publicKey;
  // positive 16-byte serial
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f | 0x10;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  cert.setSubject(spec.subject);
  cert.setIssuer(spec.issuer ? spec.issuer.cert.subject.attributes : spec.subject);
  const ski = forge.pki.getPublicKeyFingerprint(spec.key.publicKey, { type: 'RSAPublicKey' }) as forge.util.ByteStringBuffer;
  const issuerSki = spec.issuer
    ? (forge.pki.getPublicKeyFingerprint(spec.issuer.key.publicKey, { type: 'RSAPublicKey' }) as forge.util.ByteStringBuffer)
    : ski;
  const exts: object[] = [
    spec.ca
      ? { name: 'basicConstraints', cA: true, critical: true, ...(spec.ca.pathLen !== undefined ? { pathLenConstraint: spec.ca.pathLen } : {}) }
      : { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', critical: true, ...(spec.keyUsage ?? (spec.ca ? { keyCertSign: true, cRLSign: true } : { digitalSignature: true, nonRepudiation: true })) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuerSki.getBytes() },
  ];
  if (spec.policyOid) exts.push(policiesExtension(spec.policyOid));
  if (spec.revocation) {
    exts.push({ name: 'cRLDistributionPoints', altNames: [{ type: 6, value: spec.revocation.crlUrl }] }, ocspExtension(spec.revocation.ocspUrl));
  }
  cert.setExtensions(exts);
  cert.sign(spec.issuer ? spec.issuer.key.privateKey : spec.key.privateKey, forge.md.sha256.create());
  return cert;
}

interface IdentityPlan {
  name: string;
  kind: TestIdentity['kind'];
  commonName: string;
  org: string;
  iec?: string;
  issuer: 'sub' | 'rogue';
  notBefore?: Date;
  notAfter?: Date;
  keyUsage?: Record<string, boolean>;
  policyOid?: string;
}

const EXPORTER_ORGS: Record<string, string> = {
  AAACR5055K: 'RAJ OVERSEAS PRIVATE LIMITED',
  AABCS1429B: 'SEA PEARL EXPORTS PRIVATE LIMITED',
  AAFCT7781Q: 'TEXCO CHENNAI PRIVATE LIMITED',
};

const AGENCIES: Record<string, string> = {
  EIC: 'Export Inspection Council of India',
  MPEDA: 'Marine Products Export Development Authority',
  FIEO: 'Federation of Indian Export Organisations',
  DGFT: 'Directorate General of Foreign Trade',
};

function plans(now: Date): IdentityPlan[] {
  const exporter = (name: string, commonName: string, iec: string | undefined, extra: Partial<IdentityPlan> = {}): IdentityPlan => ({
    name,
    kind: 'exporter',
    commonName,
    org: EXPORTER_ORGS[iec ?? 'AAACR5055K'] ?? 'UNKNOWN',
    ...(iec ? { iec } : {}),
    issuer: 'sub',
    ...extra,
  });
  const officer = (name: string, commonName: string, agency: string): IdentityPlan => ({
    name,
    kind: 'officer',
    commonName,
    org: AGENCIES[agency] ?? agency,
    issuer: 'sub',
  });
  const eseal = (office: string): IdentityPlan => ({
    name: `eseal-${office}`,
    kind: 'eseal',
    commonName: `${office} e-Seal`,
    org: AGENCIES[office.split('-')[0] ?? ''] ?? office,
    issuer: 'sub',
  });
  const day = DAY;
  return [
    exporter('exporter-raj', 'RAJ KUMAR SHARMA', 'AAACR5055K'),
    exporter('exporter-raj-user2', 'MEERA IYER', 'AAACR5055K'),
    exporter('exporter-anita', 'ANITA MENON', 'AABCS1429B'),
    exporter('exporter-senthil', 'SENTHIL MURUGAN', 'AAFCT7781Q'),
    exporter('exporter-expired', 'RAJ KUMAR SHARMA', 'AAACR5055K', {
      notBefore: new Date(now.getTime() - 2 * YEAR),
      notAfter: new Date(now.getTime() - day),
    }),
    exporter('exporter-not-yet-valid', 'RAJ KUMAR SHARMA', 'AAACR5055K', {
      notBefore: new Date(now.getTime() + 30 * day),
      notAfter: new Date(now.getTime() + 2 * YEAR),
    }),
    exporter('exporter-wrong-iec', 'RAJ KUMAR SHARMA', 'AABCS1429B'),
    { ...exporter('exporter-no-iec', 'RAJ KUMAR SHARMA', undefined), org: EXPORTER_ORGS.AAACR5055K ?? '' },
    exporter('exporter-untrusted', 'RAJ KUMAR SHARMA', 'AAACR5055K', { issuer: 'rogue' }),
    exporter('exporter-bad-usage', 'RAJ KUMAR SHARMA', 'AAACR5055K', { keyUsage: { keyEncipherment: true } }),
    exporter('exporter-class1', 'RAJ KUMAR SHARMA', 'AAACR5055K', { policyOid: CCA_POLICY.class1 }),
    exporter('exporter-name-variant', 'RAJ KUMAAR SHARMA', 'AAACR5055K'),
    officer('officer-eic-mum', 'PRIYA DESHPANDE', 'EIC'),
    officer('officer-eic-koc', 'THOMAS VARGHESE', 'EIC'),
    officer('officer-eic-chn', 'LAKSHMI NARAYANAN', 'EIC'),
    officer('officer-mpeda-koc', 'JOSEPH KURIAN', 'MPEDA'),
    officer('officer-fieo-del', 'ARVIND MEHTA', 'FIEO'),
    eseal('EIC-MUM'),
    eseal('EIC-KOC'),
    eseal('EIC-CHN'),
    eseal('MPEDA-KOC'),
    eseal('FIEO-DEL'),
    // the other offices of db/fixtures/reference-data.json, so that every demo office can issue
    eseal('EIC-DEL'),
    eseal('EIC-KOL'),
    eseal('MPEDA-VSP'),
    eseal('FIEO-MUM'),
    eseal('DGFT-DEL'),
    { name: 'esign-sandbox', kind: 'esign', commonName: 'CoO Sandbox eSign Service Provider', org: 'CoO Sandbox ESP', issuer: 'sub' },
  ];
}

function subjectFor(p: IdentityPlan): Attr[] {
  const attrs: Attr[] = [{ shortName: 'C', value: 'IN' }, utf8('O', p.org)];
  if (p.iec) attrs.push(utf8('OU', p.iec));
  if (p.kind === 'officer') attrs.push(utf8('OU', 'Issuing Officer'));
  attrs.push(utf8('CN', p.commonName));
  return attrs;
}

function toP12(key: KeyPair, chain: forge.pki.Certificate[], friendlyName: string, password: string): string {
  const asn = forge.pkcs12.toPkcs12Asn1(key.privateKey, chain, password, { algorithm: '3des', friendlyName });
  return forge.asn1.toDer(asn).getBytes();
}

async function generate(dir: string, password: string, options: TestPkiOptions = {}): Promise<TestPki> {
  const revocation = { ocspUrl: options.ocspUrl ?? DEFAULT_REVOCATION_URLS.ocspUrl, crlUrl: options.crlUrl ?? DEFAULT_REVOCATION_URLS.crlUrl };
  const now = new Date();
  const todo = plans(now);
  const keys = await Promise.all(Array.from({ length: todo.length + 3 }, () => newKeyPair()));
  const nextKey = (): KeyPair => {
    const k = keys.pop();
    if (!k) throw new Error('key pool exhausted');
    return k;
  };

  const rootKey = nextKey();
  const rootCert = makeCert({
    subject: [{ shortName: 'C', value: 'IN' }, utf8('O', 'CoO Test PKI'), utf8('CN', 'CoO Test Root CA')],
    key: rootKey,
    issuer: null,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 20 * YEAR),
    ca: {},
  });
  const root: Issuer = { cert: rootCert, key: rootKey };
  const subKey = nextKey();
  const subCert = makeCert({
    subject: [{ shortName: 'C', value: 'IN' }, utf8('O', 'CoO Test PKI'), utf8('CN', 'CoO Test Sub-CA (Class 3)')],
    key: subKey,
    issuer: root,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 10 * YEAR),
    ca: { pathLen: 0 },
  });
  const sub: Issuer = { cert: subCert, key: subKey };
  const rogueKey = nextKey();
  const rogueCert = makeCert({
    subject: [{ shortName: 'C', value: 'IN' }, utf8('O', 'Rogue PKI'), utf8('CN', 'Rogue Root CA')],
    key: rogueKey,
    issuer: null,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 20 * YEAR),
    ca: {},
  });
  const rogue: Issuer = { cert: rogueCert, key: rogueKey };

  const identities: Record<string, TestIdentity> = {};
  const files: [string, string | Buffer][] = [];
  for (const p of todo) {
    const key = nextKey();
    const issuer = p.issuer === 'rogue' ? rogue : sub;
    const cert = makeCert({
      subject: subjectFor(p),
      key,
      issuer,
      notBefore: p.notBefore ?? new Date(now.getTime() - DAY),
      notAfter: p.notAfter ?? new Date(now.getTime() + 2 * YEAR),
      ...(p.keyUsage ? { keyUsage: p.keyUsage } : {}),
      policyOid: p.policyOid ?? CCA_POLICY.class3,
      // DSCs (exporters', officers') name where their revocation is published; e-seals and the eSign provider do not
      ...(p.issuer === 'sub' && (p.kind === 'exporter' || p.kind === 'officer') && options.revocation !== false ? { revocation } : {}),
    });
    const chain = p.issuer === 'rogue' ? [cert, rogueCert] : [cert, subCert, rootCert];
    const p12Der = toP12(key, chain, p.name, password);
    const certPem = forge.pki.certificateToPem(cert);
    const p12Path = join(dir, `${p.name}.p12`);
    identities[p.name] = {
      name: p.name,
      certPem,
      keyPem: key.keyPem,
      p12Path,
      p12Base64: forge.util.encode64(p12Der),
      commonName: p.commonName,
      ...(p.iec ? { iec: p.iec } : {}),
      kind: p.kind,
    };
    files.push([`${p.name}.cert.pem`, certPem], [`${p.name}.key.pem`, key.keyPem], [`${p.name}.p12`, Buffer.from(p12Der, 'binary')]);
  }

  const pki: TestPki = {
    dir,
    password,
    rootCaPem: forge.pki.certificateToPem(rootCert),
    subCaPem: forge.pki.certificateToPem(subCert),
    trustedCaPems: [],
    untrustedRootCaPem: forge.pki.certificateToPem(rogueCert),
    identities,
    ...(options.revocation !== false ? { revocation } : {}),
  };
  pki.trustedCaPems = [pki.rootCaPem, pki.subCaPem];
  files.push(
    ['root-ca.cert.pem', pki.rootCaPem],
    ['root-ca.key.pem', rootKey.keyPem],
    ['sub-ca.cert.pem', pki.subCaPem],
    ['sub-ca.key.pem', subKey.keyPem],
    ['rogue-root-ca.cert.pem', pki.untrustedRootCaPem],
    ['rogue-root-ca.key.pem', rogueKey.keyPem],
    ['trusted-cas.pem', pki.trustedCaPems.join('')],
  );
  for (const [name, content] of files) await writeFile(join(dir, name), content, { mode: 0o600 });
  const tmp = join(dir, `${MANIFEST}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(pki, null, 2));
  await rename(tmp, join(dir, MANIFEST));
  return pki;
}

async function loadManifest(dir: string): Promise<TestPki | null> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const pki = JSON.parse(text) as TestPki;
  // The folder may have moved since generation: paths follow the folder.
  pki.dir = dir;
  for (const id of Object.values(pki.identities)) id.p12Path = join(dir, `${id.name}.p12`);
  return pki;
}

// ---- revocation: the sub-CA's CRL and the index `openssl ocsp` answers from ----

interface RevokedEntry {
  name: string;
  serial: string;
  at: string;
  reason: number;
}

const REASON_NAMES: Record<number, string> = { 0: 'unspecified', 1: 'keyCompromise', 3: 'affiliationChanged', 4: 'superseded', 5: 'cessationOfOperation' };

async function revokedList(pki: TestPki): Promise<RevokedEntry[]> {
  try {
    return JSON.parse(await readFile(join(pki.dir, 'revoked.json'), 'utf8')) as RevokedEntry[];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** The certificates the sub-CA issued, with their serials (upper-case hex). */
function subIssued(pki: TestPki): { name: string; cert: X509Certificate }[] {
  const sub = new X509Certificate(pki.subCaPem);
  return Object.values(pki.identities)
    .map((id) => ({ name: id.name, cert: new X509Certificate(id.certPem) }))
    .filter((x) => x.cert.checkIssued(sub));
}

/** Marks an issued certificate revoked (kept in revoked.json); publish the CRL and rewrite the OCSP index afterwards. */
export async function revokeTestCertificate(pki: TestPki, name: string, opts: { at?: Date; reason?: number } = {}): Promise<void> {
  const issued = subIssued(pki).find((x) => x.name === name);
  if (!issued) throw new Error(`${name} is not a certificate of the test sub-CA`);
  const list = (await revokedList(pki)).filter((r) => r.name !== name);
  const at = opts.at ?? new Date();
  at.setUTCMilliseconds(0);
  list.push({ name, serial: issued.cert.serialNumber.toUpperCase(), at: at.toISOString(), reason: opts.reason ?? 1 });
  await writeFile(join(pki.dir, 'revoked.json'), JSON.stringify(list, null, 2));
}

const opensslTime = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';

/** Writes index.txt (OpenSSL's CA database format) for `openssl ocsp -index`: every sub-CA certificate, V or R. */
export async function writeOcspIndex(pki: TestPki): Promise<string> {
  const revoked = new Map((await revokedList(pki)).map((r) => [r.serial, r]));
  const lines = subIssued(pki).map(({ cert }) => {
    const serial = cert.serialNumber.toUpperCase();
    const r = revoked.get(serial);
    const dn = `/${cert.subject.split('\n').join('/')}`;
    const expiry = opensslTime(new Date(cert.validTo));
    return r ? `R\t${expiry}\t${opensslTime(new Date(r.at))},${REASON_NAMES[r.reason] ?? 'unspecified'}\t${serial}\tunknown\t${dn}` : `V\t${expiry}\t\t${serial}\tunknown\t${dn}`;
  });
  const path = join(pki.dir, 'index.txt');
  await writeFile(path, `${lines.join('\n')}\n`);
  await writeFile(join(pki.dir, 'index.txt.attr'), 'unique_subject = no\n');
  return path;
}

/** Signs and writes the sub-CA's CRL (sub-ca.crl, DER) with every revoked certificate; returns its bytes. */
export async function publishTestCrl(pki: TestPki, opts: { thisUpdate?: Date; nextUpdate?: Date } = {}): Promise<Buffer> {
  const sub = pkijs.Certificate.fromBER(new X509Certificate(pki.subCaPem).raw);
  const keyPem = await readFile(join(pki.dir, 'sub-ca.key.pem'), 'utf8');
  const keyDer = Buffer.from(keyPem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
  const key = await crypto.subtle.importKey('pkcs8', keyDer, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  const thisUpdate = opts.thisUpdate ?? new Date(Date.now() - 60_000);
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    issuer: sub.subject,
    thisUpdate: new pkijs.Time({ type: 0, value: thisUpdate }),
    nextUpdate: new pkijs.Time({ type: 0, value: opts.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * DAY) }),
  });
  const revoked = await revokedList(pki);
  if (revoked.length > 0) {
    crl.revokedCertificates = revoked.map(
      (r) =>
        new pkijs.RevokedCertificate({
          userCertificate: new asn1js.Integer({ valueHex: Buffer.from(r.serial.length % 2 ? `0${r.serial}` : r.serial, 'hex') }),
          revocationDate: new pkijs.Time({ type: 0, value: new Date(r.at) }),
          crlEntryExtensions: new pkijs.Extensions({
            extensions: [new pkijs.Extension({ extnID: '2.5.29.21', critical: false, extnValue: new asn1js.Enumerated({ value: r.reason }).toBER() })],
          }),
        }),
    );
  }
  await crl.sign(key, 'SHA-256');
  const der = Buffer.from(crl.toSchema(true).toBER());
  await writeFile(join(pki.dir, 'sub-ca.crl'), der);
  return der;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Loads the test PKI from `dir`, generating it first when absent. Safe when several processes
 * (parallel test files) call it at once: one generates under a lock file, the others wait for its manifest.
 */
export async function ensureTestPki(dir: string, options: TestPkiOptions = {}): Promise<TestPki> {
  const abs = resolve(dir);
  const existing = await loadManifest(abs);
  if (existing) return existing;
  await mkdir(abs, { recursive: true });
  const lockPath = join(abs, '.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const lock = await open(lockPath, 'wx');
      try {
        return (await loadManifest(abs)) ?? (await generate(abs, TEST_PKI_PASSWORD, options));
      } finally {
        await lock.close();
        await rm(lockPath, { force: true });
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const loaded = await loadManifest(abs);
    if (loaded) return loaded;
    // A lock older than a minute belongs to a process that died while generating.
    const st = await stat(lockPath).catch(() => null);
    if (st && Date.now() - st.mtimeMs > 60_000) await rm(lockPath, { force: true });
    if (attempt > 1200) throw new Error(`Timed out waiting for the test PKI in ${abs} (lock ${lockPath})`);
    await sleep(100);
  }
}

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? '.data/pki');
  if (process.argv[3] === 'revoke') {
    const pki = await ensureTestPki(dir);
    const name = process.argv[4] ?? '';
    await revokeTestCertificate(pki, name);
    await writeOcspIndex(pki);
    await publishTestCrl(pki);
    console.log(`${name} revoked: ${join(dir, 'sub-ca.crl')} and ${join(dir, 'index.txt')} rewritten`);
    return;
  }
  const existed = (await loadManifest(dir)) !== null;
  const started = Date.now();
  const pki = await ensureTestPki(dir);
  const took = Date.now() - started;
  console.log(existed ? `Test PKI already present in ${dir} (delete the folder to regenerate)` : `Test PKI generated in ${dir} in ${took} ms`);
  console.log(`  PKCS#12 password: ${pki.password}`);
  console.log(`  trusted CAs: root-ca.cert.pem ("CoO Test Root CA"), sub-ca.cert.pem ("CoO Test Sub-CA (Class 3)"), both in trusted-cas.pem`);
  console.log(`  untrusted:   rogue-root-ca.cert.pem ("Rogue Root CA")`);
  for (const id of Object.values(pki.identities)) {
    console.log(`  ${id.name.padEnd(24)} ${id.kind.padEnd(8)} CN="${id.commonName}"${id.iec ? ` IEC=${id.iec}` : ''}  ${id.name}.p12`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
