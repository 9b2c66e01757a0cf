import { AlgorithmRefused } from '../../lib/crypto/algorithms.js';
import { isSignedBy } from '../../lib/crypto/x509.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { DEFAULT_IEC_RULE, extractIecs, type IecRule } from './extract-iec.js';
import { commonName, formatName, parseCertificate, splitPemBundle, type NameAttribute, type ParsedCertificate } from './parse-certificate.js';

/**
 * Exact texts from the legacy eCoO FAQ (seed 001). A refusal leads with the plain explanation and ends
 * with the legacy text as a reference, because exporters and the helpdesk search for it.
 */
export const DSC_MESSAGES = {
  expired: 'Expired Certificate',
  iecNotMatched: 'IEC Not Matched, Kindly Insert Correct Token',
} as const;

/** The closing reference to the legacy error text: `Legacy message: "Expired Certificate".` */
export function legacyMessage(text: string): string {
  return `Legacy message: "${text}".`;
}

/** India CCA certificate policy OIDs; sub-arcs (e.g. 2.16.356.100.2.3.x) count as the same class. */
export const CCA_CLASS_POLICIES: Record<DscClass, string> = {
  1: '2.16.356.100.2.1',
  2: '2.16.356.100.2.2',
  3: '2.16.356.100.2.3',
};

export type DscClass = 1 | 2 | 3;

export interface VerifyDscOptions {
  /** Where the IEC is read from (default: OU holding the bare or "IEC:"-labelled code). */
  iecRule?: IecRule;
  /** Classes accepted when the certificate states one (default: 2 and 3, per Trade Notice 53/2019-20). */
  allowedClasses?: DscClass[];
  /** Refuse certificates without any CCA class policy (default false: checked "where present"). */
  requireClassPolicy?: boolean;
}

export interface VerifyDscInput {
  /** The DSC as PEM, base64 or DER. */
  certificate: string | Uint8Array;
  /** Trust anchors (PEM; a bundle string may hold several). */
  trustedCaPems: string[];
  /** Untrusted intermediates offered with the signature (e.g. the certificates inside a CMS). */
  intermediatePems?: string[];
  /** The exporter's IEC, or null/undefined for officers (no IEC check). */
  expectedIec?: string | null;
  now?: Date;
  options?: VerifyDscOptions;
}

export interface DscFacts {
  subjectCommonName: string;
  /** One-line subject, e.g. "C=IN, O=…, OU=AAACR5055K, CN=RAJ KUMAR SHARMA". */
  subject: string;
  subjectAttributes: NameAttribute[];
  organisation: string | null;
  /** The IEC found under the rule (the expected one when several are present), or null. */
  iec: string | null;
  serialNumber: string;
  issuer: string;
  issuerCommonName: string | null;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
  class: DscClass | null;
  policyOids: string[];
  /** Subject CNs from the certificate up to its trust anchor. */
  chain: string[];
  certificatePem: string;
  /** The path as PEM, the DSC first, then its issuer and up to the trust anchor (for revocation checks). */
  chainPems: string[];
}

const MAX_CHAIN = 8;

function cnOf(c: ParsedCertificate): string {
  return commonName(c.subject) ?? formatName(c.subject);
}

function untrusted(reason: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(
    ErrorCode.DscUntrusted,
    'This digital signature certificate was not issued by a certifying authority the portal trusts. Use a Class II or Class III DGFT DSC from a CA licensed by the Controller of Certifying Authorities.',
    { status: 422, details: { rule: 'trust', reason, ...details } },
  );
}

/** Whether `parent` signed `child`; a signature by a refused algorithm (SHA-1, MD5, …) refuses the certificate. */
function issues(parent: ParsedCertificate, child: ParsedCertificate): boolean {
  if (!parent.subjectDer.equals(child.issuerDer) && !child.x509.checkIssued(parent.x509)) return false;
  try {
    return isSignedBy(child, parent);
  } catch (e) {
    if (e instanceof AlgorithmRefused) throw untrusted(`the signature on '${cnOf(child)}' is refused: ${e.reason}`, { algorithm: e.algorithm });
    return false;
  }
}

function parseAll(pems: string[]): ParsedCertificate[] {
  return pems.flatMap((p) => {
    const parts = splitPemBundle(p);
    return (parts.length ? parts : [p]).map((x) => parseCertificate(x));
  });
}

/** Builds and checks the path from `leaf` to one of `anchors`; returns it leaf first. */
function buildChain(leaf: ParsedCertificate, anchors: ParsedCertificate[], pool: ParsedCertificate[], now: Date): ParsedCertificate[] {
  const trusted = new Set(anchors.map((a) => a.fingerprintSha256));
  const chain = [leaf];
  let current = leaf;
  while (!(trusted.has(current.fingerprintSha256) && current !== leaf)) {
    if (chain.length > MAX_CHAIN) throw untrusted('certificate chain too long');
    const candidates = [...anchors, ...pool].filter((c) => !chain.some((x) => x.fingerprintSha256 === c.fingerprintSha256));
    const parent = candidates.find((c) => issues(c, current));
    if (!parent) {
      const sameName = candidates.some((c) => c.subjectDer.equals(current.issuerDer));
      const issuerName = commonName(current.issuer) ?? formatName(current.issuer);
      throw untrusted(
        sameName
          ? `the signature on '${cnOf(current)}' does not verify with the key of '${issuerName}'`
          : `'${issuerName}', the issuer of '${cnOf(current)}', is not a trusted certifying authority`,
        { issuer: formatName(current.issuer) },
      );
    }
    if (!parent.isCa) throw untrusted(`'${cnOf(parent)}' is not a certifying authority certificate (basicConstraints CA is not set)`);
    if (parent.keyUsage && !parent.keyUsage.keyCertSign) throw untrusted(`'${cnOf(parent)}' may not sign certificates (keyUsage lacks keyCertSign)`);
    const casBelow = chain.length - 1;
    if (parent.pathLenConstraint !== undefined && casBelow > parent.pathLenConstraint) {
      throw untrusted(`'${cnOf(parent)}' allows at most ${parent.pathLenConstraint} intermediate CA(s) below it`);
    }
    if (now < parent.notBefore || now > parent.notAfter) {
      throw untrusted(`the certifying authority certificate '${cnOf(parent)}' is outside its validity period (${parent.notBefore.toISOString()} to ${parent.notAfter.toISOString()})`);
    }
    chain.push(parent);
    current = parent;
  }
  // A trusted sub-CA ends the path; its own trusted issuers are appended for display only.
  for (let next = current; chain.length <= MAX_CHAIN; ) {
    if (next.subjectDer.equals(next.issuerDer)) break;
    const up = anchors.find((a) => !chain.includes(a) && issues(a, next));
    if (!up) break;
    chain.push(up);
    next = up;
  }
  return chain;
}

export function dscClassOf(policyOids: string[]): DscClass | null {
  let best: DscClass | null = null;
  for (const oid of policyOids) {
    for (const cls of [1, 2, 3] as const) {
      const base = CCA_CLASS_POLICIES[cls];
      if ((oid === base || oid.startsWith(`${base}.`)) && (best === null || cls > best)) best = cls;
    }
  }
  return best;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Verifies a DSC against the portal's rules, in this order: readable, chains to a trusted CA, inside its
 * validity period, usable for signing, class II/III (where a CCA class policy is present), IEC embedded and
 * equal to the expected one. Each failure is an AppError with its own code; success returns the facts the
 * caller stores (fingerprint, serial, name for the identity-matching rule, …).
 */
export function verifyDsc(input: VerifyDscInput): DscFacts {
  const now = input.now ?? new Date();
  const opts = input.options ?? {};
  const cert = parseCertificate(input.certificate);
  const anchors = parseAll(input.trustedCaPems);
  if (anchors.length === 0) throw untrusted('no trusted certifying authorities are configured');
  const pool = parseAll(input.intermediatePems ?? []);

  const chain = buildChain(cert, anchors, pool, now);

  if (now > cert.notAfter) {
    const reason = `This DSC expired on ${day(cert.notAfter)}. Apply for a fresh DSC and register it.`;
    throw new AppError(
      ErrorCode.DscExpired,
      `This digital signature certificate expired on ${day(cert.notAfter)}, and an expired certificate cannot sign. ` +
        'Apply for a fresh DSC and register it; if your token already holds a newer one, remove the expired certificate from your computer first. ' +
        legacyMessage(DSC_MESSAGES.expired),
      { details: { rule: 'validity', notAfter: cert.notAfter.toISOString(), reason, legacyMessage: DSC_MESSAGES.expired } },
    );
  }
  if (now < cert.notBefore) {
    throw new AppError(
      ErrorCode.DscNotYetValid,
      `This digital signature certificate is not valid yet: it becomes valid on ${day(cert.notBefore)}. Sign with it from that day, or with your current DSC.`,
      { details: { rule: 'validity', notBefore: cert.notBefore.toISOString() } },
    );
  }

  const ku = cert.keyUsage;
  if (cert.isCa || !ku || !(ku.digitalSignature || ku.nonRepudiation)) {
    const why = cert.isCa ? 'it is a certifying authority certificate' : !ku ? 'it states no key usage' : 'its key usage does not include digital signature or non-repudiation';
    throw new AppError(
      ErrorCode.DscKeyUsage,
      `This digital signature certificate cannot be used for signing (${why}). Use the signing certificate on your DSC token.`,
      { details: { rule: 'key-usage', keyUsage: ku ?? null, isCa: cert.isCa } },
    );
  }

  const cls = dscClassOf(cert.policyOids);
  const allowed = opts.allowedClasses ?? [2, 3];
  if ((cls !== null && !allowed.includes(cls)) || (cls === null && opts.requireClassPolicy)) {
    const allowedText = allowed.map((c) => `Class ${'I'.repeat(c)}`).join(' or ');
    throw new AppError(
      ErrorCode.DscClassNotAllowed,
      `This digital signature certificate is ${cls === null ? 'of no stated class' : `Class ${'I'.repeat(cls)}`}: only ${allowedText} certificates are accepted. ` +
        `Obtain a ${allowedText} DSC from a licensed certifying authority and register it.`,
      { details: { rule: 'class', class: cls, allowedClasses: allowed, policyOids: cert.policyOids } },
    );
  }

  const iecs = extractIecs(cert.subject, opts.iecRule ?? DEFAULT_IEC_RULE);
  const expected = input.expectedIec?.trim().toUpperCase();
  let iec: string | null = iecs[0] ?? null;
  if (expected) {
    if (!iecs.includes(expected)) {
      const reason = iecs.length
        ? `This DSC carries IEC ${iecs.join(', ')}, not ${expected}.`
        : 'This DSC carries no IEC in its subject; a DGFT-type DSC with the IEC embedded is required.';
      const plain = iecs.length
        ? `This digital signature certificate belongs to IEC ${iecs.join(', ')}, not to ${expected}, the IEC you act for. Insert the DSC token issued for IEC ${expected}.`
        : `This digital signature certificate carries no IEC in its subject, and the portal needs a DGFT-type DSC with IEC ${expected} embedded. ` +
          "Check the certificate's subject for the IEC code, or obtain a DGFT DSC for your IEC.";
      throw new AppError(ErrorCode.DscIecNotMatched, `${plain} ${legacyMessage(DSC_MESSAGES.iecNotMatched)}`, {
        details: { rule: 'iec', expectedIec: expected, foundIecs: iecs, reason, legacyMessage: DSC_MESSAGES.iecNotMatched },
      });
    }
    iec = expected;
  }

  return {
    subjectCommonName: commonName(cert.subject) ?? '',
    subject: formatName(cert.subject),
    subjectAttributes: cert.subject,
    organisation: cert.subject.find((a) => a.type === 'O')?.value ?? null,
    iec,
    serialNumber: cert.serialNumber,
    issuer: formatName(cert.issuer),
    issuerCommonName: commonName(cert.issuer) ?? null,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    fingerprintSha256: cert.fingerprintSha256,
    class: cls,
    policyOids: cert.policyOids,
    chain: chain.map(cnOf),
    certificatePem: cert.pem,
    chainPems: chain.map((c) => c.pem),
  };
}
