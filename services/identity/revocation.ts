/**
 * Revocation of DSCs: asks the certificate's own OCSP responder (Authority Information Access) and, when
 * that gives no answer, reads its CRL (CRL Distribution Points). Answers are cached: an OCSP answer and a
 * CRL until their nextUpdate, never longer than DSC_REVOCATION_MAX_AGE. When neither answers (no URL, the
 * responder down, a stale or unverifiable answer) DSC_REVOCATION decides: `fail-open` accepts and logs a
 * warning, `fail-closed` refuses with a 503 saying why. A revoked DSC is refused with when it was revoked.
 *
 * Structures are read and built with pkijs; every signature on an answer is checked with the one algorithm
 * policy (lib/crypto): the CRL by the DSC's issuer, the OCSP answer by the issuer or by a responder
 * certificate the issuer delegated OCSP signing to.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { verifyParameters } from '../../lib/crypto/algorithms.js';
import { hex, isSignedBy, pssHashOf, readCertificate, verifyWithParameters, type CertificateFacts } from '../../lib/crypto/x509.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';

export type RevocationMode = 'off' | 'fail-open' | 'fail-closed';

export interface RevocationSettings {
  mode: RevocationMode;
  /** the longest an answer is kept, in ms (also when its nextUpdate is later or absent) */
  maxAgeMs: number;
  /** per request to a responder or CRL server, in ms */
  timeoutMs: number;
}

export interface RevocationStatus {
  status: 'good' | 'revoked' | 'unknown';
  source: 'ocsp' | 'crl' | null;
  revokedAt?: Date;
  reason?: string;
  /** why no answer was had, per URL tried (status unknown) */
  problems: string[];
}

export interface RevocationChecker {
  readonly mode: RevocationMode;
  /** The status of `certificate` (PEM or DER), issued by `issuer`. */
  status(certificate: string | Uint8Array, issuer: string | Uint8Array): Promise<RevocationStatus>;
  /** Refuses a revoked DSC, and one whose status is unknown when fail-closed. `chainPems`: the DSC first, then its issuer. */
  assertNotRevoked(dsc: { chainPems: string[]; subjectCommonName: string; serialNumber: string }): Promise<RevocationStatus | null>;
}

const SKEW_MS = 5 * 60_000;
const MAX_CRL_BYTES = 20 * 1024 * 1024;
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';

const REASONS: Record<number, string> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

class Unavailable extends Error {}

interface Answer {
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  reason?: string;
  expiresAt: number;
}

interface CachedCrl {
  revoked: Map<string, { at: Date; reason?: string }>;
  expiresAt: number;
}

const serialKey = (b: Uint8Array) => hex(b).replace(/^(00)+(?=.)/, '').toUpperCase();

function signedBy(sig: { algorithm: pkijs.AlgorithmIdentifier; tbs: Uint8Array; value: Uint8Array }, signer: CertificateFacts): boolean {
  const p = verifyParameters(sig.algorithm.algorithmId, { pssHashOid: pssHashOf(sig.algorithm) });
  return verifyWithParameters(p, sig.tbs, signer.x509.publicKey, sig.value);
}

const fmt = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function createRevocationChecker(settings: RevocationSettings, deps: { logger?: Pick<Logger, 'warn'>; fetch?: typeof fetch; now?: () => number } = {}): RevocationChecker {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  const answers = new Map<string, Answer>();
  const crls = new Map<string, CachedCrl>();

  async function get(url: string, init: RequestInit = {}): Promise<Buffer> {
    let res: Response;
    try {
      res = await doFetch(url, { ...init, signal: AbortSignal.timeout(settings.timeoutMs), redirect: 'follow' });
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      throw new Unavailable(`${url} did not answer (${e instanceof Error ? e.message : String(e)}${cause})`);
    }
    if (!res.ok) throw new Unavailable(`${url} answered HTTP ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > MAX_CRL_BYTES) throw new Unavailable(`${url} answered more than ${MAX_CRL_BYTES} bytes`);
    return body;
  }

  async function ocsp(url: string, cert: CertificateFacts, issuer: CertificateFacts): Promise<Answer> {
    const req = new pkijs.OCSPRequest();
    await req.createForCertificate(cert.pkijs, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer.pkijs });
    const body = await get(url, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
      body: new Uint8Array(req.toSchema(true).toBER()),
    });
    let basic: pkijs.BasicOCSPResponse;
    try {
      const resp = pkijs.OCSPResponse.fromBER(body);
      const code = resp.responseStatus.valueBlock.valueDec;
      if (code !== 0) throw new Unavailable(`${url} refused to answer (OCSP status ${code})`);
      if (!resp.responseBytes) throw new Unavailable(`${url} answered without a response`);
      basic = pkijs.BasicOCSPResponse.fromBER(resp.responseBytes.response.valueBlock.valueHexView);
    } catch (e) {
      if (e instanceof Unavailable) throw e;
      throw new Unavailable(`${url} answered something that is not an OCSP response`);
    }
    // the issuer signs, or a responder certificate it issued for OCSP signing (RFC 6960 §4.2.2.2)
    const sig = { algorithm: basic.signatureAlgorithm, tbs: basic.tbsResponseData.tbsView, value: basic.signature.valueBlock.valueHexView };
    let trusted = false;
    try {
      trusted = signedBy(sig, issuer);
      if (!trusted) {
        for (const c of basic.certs ?? []) {
          const responder = readCertificate(Buffer.from(c.toSchema().toBER()));
          if (responder.extendedKeyUsage.includes(OCSP_SIGNING) && responder.issuerDer.equals(issuer.subjectDer) && isSignedBy(responder, issuer) && signedBy(sig, responder)) {
            trusted = true;
            break;
          }
        }
      }
    } catch (e) {
      throw new Unavailable(`${url}: the answer's signature is refused (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!trusted) throw new Unavailable(`${url}: the answer is not signed by the certificate's issuer or its OCSP responder`);
    const serial = serialKey(cert.serialBytes);
    const single = basic.tbsResponseData.responses.find((r) => serialKey(r.certID.serialNumber.valueBlock.valueHexView) === serial);
    if (!single) throw new Unavailable(`${url} answered about another certificate`);
    const t = now();
    if (single.thisUpdate.getTime() > t + SKEW_MS) throw new Unavailable(`${url} answered with a time in the future`);
    if (single.nextUpdate && single.nextUpdate.getTime() < t - SKEW_MS) throw new Unavailable(`${url} answered with a stale status (next update ${single.nextUpdate.toISOString()})`);
    const expiresAt = Math.min(t + settings.maxAgeMs, single.nextUpdate?.getTime() ?? Infinity);
    const st = single.certStatus as asn1js.BaseBlock;
    switch (st.idBlock.tagNumber) {
      case 0:
        return { status: 'good', expiresAt };
      case 1: {
        const fields = (st as asn1js.Constructed).valueBlock.value;
        const at = fields[0] instanceof asn1js.GeneralizedTime ? fields[0].toDate() : new Date(0);
        const reasonTag = fields[1] as asn1js.Constructed | undefined;
        const code = reasonTag?.valueBlock.value?.[0] instanceof asn1js.Enumerated ? reasonTag.valueBlock.value[0].valueBlock.valueDec : undefined;
        return { status: 'revoked', revokedAt: at, ...(code !== undefined ? { reason: REASONS[code] ?? String(code) } : {}), expiresAt };
      }
      default:
        return { status: 'unknown', expiresAt };
    }
  }

  async function crl(url: string, cert: CertificateFacts, issuer: CertificateFacts): Promise<Answer> {
    const t = now();
    let cached = crls.get(url);
    if (!cached || cached.expiresAt <= t) {
      const body = await get(url);
      let list: pkijs.CertificateRevocationList;
      try {
        list = pkijs.CertificateRevocationList.fromBER(body);
      } catch {
        throw new Unavailable(`${url} is not a CRL`);
      }
      if (!list.issuer.isEqual(issuer.pkijs.subject)) throw new Unavailable(`${url} is the CRL of another issuer`);
      let ok = false;
      try {
        ok = signedBy({ algorithm: list.signatureAlgorithm, tbs: list.tbsView, value: list.signatureValue.valueBlock.valueHexView }, issuer);
      } catch (e) {
        throw new Unavailable(`${url}: the CRL's signature is refused (${e instanceof Error ? e.message : String(e)})`);
      }
      if (!ok) throw new Unavailable(`${url}: the CRL is not signed by the certificate's issuer`);
      const nextUpdate = list.nextUpdate?.value.getTime();
      if (nextUpdate !== undefined && nextUpdate < t - SKEW_MS) throw new Unavailable(`${url} is stale (next update ${new Date(nextUpdate).toISOString()})`);
      const revoked = new Map<string, { at: Date; reason?: string }>();
      for (const r of list.revokedCertificates ?? []) {
        const reasonExt = r.crlEntryExtensions?.extensions.find((x) => x.extnID === '2.5.29.21')?.parsedValue as unknown;
        const code = reasonExt instanceof asn1js.Enumerated ? reasonExt.valueBlock.valueDec : undefined;
        revoked.set(serialKey(r.userCertificate.valueBlock.valueHexView), { at: r.revocationDate.value, ...(code !== undefined ? { reason: REASONS[code] ?? String(code) } : {}) });
      }
      cached = { revoked, expiresAt: Math.min(t + settings.maxAgeMs, nextUpdate ?? Infinity) };
      crls.set(url, cached);
    }
    const hit = cached.revoked.get(serialKey(cert.serialBytes));
    return hit ? { status: 'revoked', revokedAt: hit.at, ...(hit.reason ? { reason: hit.reason } : {}), expiresAt: cached.expiresAt } : { status: 'good', expiresAt: cached.expiresAt };
  }

  async function status(certificate: string | Uint8Array, issuerCert: string | Uint8Array): Promise<RevocationStatus> {
    const cert = readCertificate(certificate);
    const issuer = readCertificate(issuerCert);
    const key = `${issuer.fingerprintSha256}/${cert.serialNumber}`;
    const t = now();
    const hit = answers.get(key);
    if (hit && hit.expiresAt > t && hit.status !== 'unknown') return { status: hit.status, source: null, ...(hit.revokedAt ? { revokedAt: hit.revokedAt } : {}), ...(hit.reason ? { reason: hit.reason } : {}), problems: [] };
    const problems: string[] = [];
    for (const [source, urls, ask] of [
      ['ocsp', cert.ocspUrls, ocsp],
      ['crl', cert.crlUrls, crl],
    ] as const) {
      for (const url of urls) {
        try {
          const a = await ask(url, cert, issuer);
          if (a.status === 'unknown') {
            problems.push(`${url} does not know the certificate`);
            continue;
          }
          answers.set(key, a);
          return { status: a.status, source, ...(a.revokedAt ? { revokedAt: a.revokedAt } : {}), ...(a.reason ? { reason: a.reason } : {}), problems };
        } catch (e) {
          problems.push(e instanceof Unavailable ? e.message : `${url}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
    if (cert.ocspUrls.length === 0 && cert.crlUrls.length === 0) problems.push('the certificate names no OCSP responder and no CRL');
    return { status: 'unknown', source: null, problems };
  }

  return {
    mode: settings.mode,
    status,
    async assertNotRevoked(dsc) {
      if (settings.mode === 'off') return null;
      const [leaf, issuer] = dsc.chainPems;
      if (!leaf || !issuer) return null;
      const s = await status(leaf, issuer);
      if (s.status === 'revoked') {
        const when = s.revokedAt ? ` on ${fmt(s.revokedAt)}` : '';
        throw new AppError(
          ErrorCode.DscRevoked,
          `This digital signature certificate (${dsc.subjectCommonName}, serial ${dsc.serialNumber}) was revoked by its certifying authority${when}${s.reason ? ` (reason: ${s.reason})` : ''}. A revoked DSC cannot sign: use a valid DSC and register it.`,
          { details: { serialNumber: dsc.serialNumber, revokedAt: s.revokedAt?.toISOString() ?? null, reason: s.reason ?? null, source: s.source } },
        );
      }
      if (s.status === 'unknown') {
        if (settings.mode === 'fail-closed') {
          throw new AppError(
            ErrorCode.DependencyUnavailable,
            `Whether this digital signature certificate (${dsc.subjectCommonName}) is revoked cannot be checked now, and a DSC is accepted only once it is known not to be revoked. Try again later. (${s.problems.join('; ')})`,
            { details: { dependency: 'dsc-revocation', serialNumber: dsc.serialNumber, problems: s.problems } },
          );
        }
        deps.logger?.warn({ serialNumber: dsc.serialNumber, subject: dsc.subjectCommonName, problems: s.problems }, 'DSC revocation status unknown: accepted (DSC_REVOCATION=fail-open)');
      }
      return s;
    },
  };
}
