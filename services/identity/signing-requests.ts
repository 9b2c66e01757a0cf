import { randomUUID } from 'node:crypto';
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { SignedDocument, SigningRequest } from '../../db/entities/identity.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { canonicalDocument } from '../../domain/identity/canonical.js';
import { actorColumns, maySee, type Actor } from './actors.js';
import { DSC_CHALLENGE_PURPOSE } from './dsc-registration.js';
import { assertNotFrozen } from './freeze.js';
import type { IdentitySetup } from './identity-setup.js';
import { requireESignProvider } from './esign.js';
import { recordSignedDocument, signedDocumentView, verifySignedSubmission } from './verify-signed-submission.js';

/**
 * Signing requests: the server puts a document in canonical form (with who signs it and why, so a
 * signature cannot be replayed for another request), hands out its bytes and SHA-256, and accepts a
 * detached CMS signature from the user's registered DSC, or an Aadhaar eSign through the configured
 * eSign service provider. The signed content is stored with its signature (signed_document).
 */

const REQUEST_TTL_MS = 30 * 60 * 1000;

export interface CreateSigningRequestInput {
  purpose: string;
  reference?: string | undefined;
  document: Record<string, unknown>;
}

export function signingRequestView(r: SigningRequest) {
  return {
    id: r.id,
    userId: r.userId,
    iec: r.iec,
    officeCode: r.officeCode,
    purpose: r.purpose,
    reference: r.reference,
    status: r.status,
    contentBase64: Buffer.from(r.content).toString('base64'),
    contentSha256: r.contentSha256,
    expiresAt: r.expiresAt.toISOString(),
    signedDocumentId: r.signedDocumentId,
    createdAt: r.createdAt.toISOString(),
  };
}

function assertMaySign(actor: Actor): void {
  if (actor.kind === 'staff' && actor.role !== 'officer') {
    throw new AppError(ErrorCode.Forbidden, 'Only exporter users and officers sign documents.');
  }
}

/** `helpdeskAddress`: this system's helpdesk, named when the account is frozen. */
export async function createSigningRequest(em: EntityManager, actor: Actor, input: CreateSigningRequestInput, helpdeskAddress: string) {
  assertMaySign(actor);
  await assertNotFrozen(em, actor.userId, helpdeskAddress);
  const id = randomUUID();
  const issuedAt = new Date();
  const expiresAt = new Date(issuedAt.getTime() + REQUEST_TTL_MS);
  const cols = actorColumns(actor);
  const doc = canonicalDocument({
    requestId: id,
    purpose: input.purpose,
    ...(input.reference ? { reference: input.reference } : {}),
    signer: { userId: actor.userId, name: actor.name, ...(cols.iec ? { iec: cols.iec } : { officeCode: cols.officeCode }) },
    issuedAt: issuedAt.toISOString(),
    document: input.document,
  });
  const req = em.create(SigningRequest, {
    id,
    ...cols,
    purpose: input.purpose,
    reference: input.reference ?? null,
    content: doc.bytes,
    contentSha256: doc.sha256,
    status: 'pending',
    expiresAt,
    esignTransactionId: null,
    signedDocumentId: null,
  });
  await em.flush();
  return signingRequestView(req);
}

/** A request the actor may see; anything else is "not found", whether it exists or not. */
export async function findVisibleSigningRequest(em: EntityManager, actor: Actor, id: string): Promise<SigningRequest> {
  const req = await em.findOne(SigningRequest, { id }, { refresh: true });
  if (!req || req.purpose === DSC_CHALLENGE_PURPOSE || !maySee(actor, req)) throw new AppError(ErrorCode.NotFound, `Signing request ${id} does not exist.`);
  return req;
}

export async function findVisibleSignedDocument(em: EntityManager, actor: Actor, id: string): Promise<SignedDocument> {
  const doc = await em.findOne(SignedDocument, { id });
  if (!doc || !maySee(actor, doc)) throw new AppError(ErrorCode.NotFound, `Signed document ${id} does not exist.`);
  return doc;
}

async function signableRequest(em: EntityManager, actor: Actor, id: string, now: Date): Promise<SigningRequest> {
  assertMaySign(actor);
  const req = await findVisibleSigningRequest(em, actor, id);
  if (req.userId !== actor.userId) {
    throw new AppError(ErrorCode.Forbidden, `Signing request ${id} was issued to another user (${req.userId}); only that user can sign it.`);
  }
  if (req.status === 'pending' && req.expiresAt < now) {
    throw new AppError(ErrorCode.SigningRequestExpired, `Signing request ${id} expired at ${req.expiresAt.toISOString()}. Ask for a new one (POST /v1/signing-requests).`);
  }
  return req;
}

/** Verifies the signature over the request's bytes and stores the signed document; a retry of the same signature returns it. */
export async function submitSignature(em: EntityManager, identity: IdentitySetup, actor: Actor, id: string, signatureB64: string, now = new Date()) {
  const req = await signableRequest(em, actor, id, now);
  if (req.status === 'signed') return alreadySigned(em, req, signatureB64);
  await assertNotFrozen(em, actor.userId, identity.helpdeskAddress);
  const cols = actorColumns(actor);
  const verdict = await verifySignedSubmission({
    em,
    identity,
    userId: actor.userId,
    iec: cols.iec,
    contentBytes: req.content,
    signatureB64,
    now,
    context: `signature on signing request ${req.id} (${req.purpose})`,
  });
  return store(em, req, verdict, signatureB64);
}

async function alreadySigned(em: EntityManager, req: SigningRequest, signatureB64: string) {
  const doc = req.signedDocumentId ? await em.findOne(SignedDocument, { id: req.signedDocumentId }) : null;
  if (doc && doc.signatureBase64 === signatureB64.replace(/\s+/g, '')) return { outcome: 'existing' as const, signedDocument: signedDocumentView(doc) };
  throw new AppError(ErrorCode.AlreadyDone, `Signing request ${req.id} has already been signed${doc ? ` (signed document ${doc.id})` : ''}.`, {
    details: { signedDocumentId: req.signedDocumentId },
  });
}

async function store(em: EntityManager, req: SigningRequest, verdict: Awaited<ReturnType<typeof verifySignedSubmission>>, signatureB64: string) {
  const { document, created } = await recordSignedDocument(em, {
    verdict,
    contentBytes: req.content,
    signatureB64,
    purpose: req.purpose,
    reference: req.reference,
    signingKey: `signing-request/${req.id}`,
    signingRequestId: req.id,
  });
  await em.transactional(async (tx) => {
    const r = await tx.findOneOrFail(SigningRequest, { id: req.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    r.status = 'signed';
    r.signedDocumentId = document.id;
  });
  return { outcome: created ? ('signed' as const) : ('existing' as const), signedDocument: signedDocumentView(document) };
}

const esignProvider = requireESignProvider;

/** Starts Aadhaar eSign for a request: the ESP sends an OTP to the Aadhaar-linked mobile. */
export async function startESign(em: EntityManager, identity: IdentitySetup, actor: Actor, id: string, aadhaarId: string, now = new Date()) {
  const req = await signableRequest(em, actor, id, now);
  if (req.status === 'signed') throw new AppError(ErrorCode.AlreadyDone, `Signing request ${id} has already been signed.`, { details: { signedDocumentId: req.signedDocumentId } });
  await assertNotFrozen(em, actor.userId, identity.helpdeskAddress);
  const provider = esignProvider(identity);
  const started = await provider.startSigning({
    documentSha256: req.contentSha256,
    aadhaarId,
    documentInfo: `Certificate of Origin portal: ${req.purpose}${req.reference ? ` ${req.reference}` : ''}`,
  });
  req.esignTransactionId = started.transactionId;
  await em.flush();
  return { provider: provider.name, ...started };
}

/** Completes Aadhaar eSign with the OTP, then verifies and stores like a DSC signature. */
export async function completeESign(em: EntityManager, identity: IdentitySetup, actor: Actor, id: string, otp: string, now = new Date()) {
  const req = await signableRequest(em, actor, id, now);
  if (req.status === 'signed') throw new AppError(ErrorCode.AlreadyDone, `Signing request ${id} has already been signed.`, { details: { signedDocumentId: req.signedDocumentId } });
  if (!req.esignTransactionId) throw new AppError(ErrorCode.Conflict, `Start Aadhaar eSign for signing request ${id} first (POST /v1/signing-requests/${id}/esign).`);
  await assertNotFrozen(em, actor.userId, identity.helpdeskAddress);
  const completed = await esignProvider(identity).completeSigning({ transactionId: req.esignTransactionId, otp });
  const cols = actorColumns(actor);
  const verdict = await verifySignedSubmission({
    em,
    identity,
    userId: actor.userId,
    iec: cols.iec,
    contentBytes: req.content,
    signatureB64: completed.signatureBase64,
    now,
    context: `Aadhaar eSign on signing request ${req.id} (${req.purpose})`,
  });
  return store(em, req, verdict, completed.signatureBase64);
}
