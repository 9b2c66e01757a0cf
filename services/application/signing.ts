import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationRow, AttachmentRow, IecRecord, InvoiceClaim, SignedVersion } from '../../db/entities/index.js';
import { canonicalBytes, sha256Hex } from '../../domain/identity/canonical.js';
import { validateApplicationForSubmission } from '../../domain/application/validate-application.js';
import { todayInIndia } from '../../domain/application/financial-year.js';
import { invoiceUniquenessKey } from '../../domain/application/financial-year.js';
import { checkUploads, DEFICIENCY_RESPONSE_POLICY } from '../../domain/application/check-upload.js';
import type { IecRecord as IecMasterRecord } from '../../domain/reference/types.js';
import type { ReferenceIndex } from '../../domain/reference/reference-index.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { SignatureInput, SigningPayload } from '../../workflows/application/contract.js';
import type { ApplicationServiceDeps } from '../application/deps.js';
import { recordSignedVersion } from './signed-version.js';
import { assertSignatureMethod } from '../../domain/identity/signature-method.js';
import { originalApplicationIdOf, requestProblems, supportingDocumentsOf } from './certificate-requests.js';

export interface PrepareSigningInput {
  applicationId: string;
  purpose: SigningPayload['purpose'];
  round: number;
  clarification?: string;
  attachmentIds?: string[];
}

async function loadApplication(em: EntityManager, id: string): Promise<ApplicationRow> {
  const app = await em.findOne(ApplicationRow, { id });
  if (!app) throw new AppError(ErrorCode.NotFound, `Application ${id} does not exist`);
  return app;
}

/**
 * Validates the application (every tab, every rule) and builds the canonical bytes the exporter must
 * sign: the whole application for a submission or an edit, the clarification and its files for a
 * clarification. Deterministic for the same data, so a retry hands out the same bytes. Used by the
 * workflow's activity and by the API's submit check, so both apply the very same rules.
 */
export async function buildSigningPayload(em: EntityManager, reference: ReferenceIndex, input: PrepareSigningInput): Promise<SigningPayload> {
    const app = await loadApplication(em, input.applicationId);
    let document: Record<string, unknown>;
    if (input.purpose === 'clarification') {
      const ids = input.attachmentIds ?? [];
      const files = ids.length ? await em.find(AttachmentRow, { id: { $in: ids }, applicationId: app.id }, { populate: ['content'] }) : [];
      const missing = ids.filter((id) => !files.some((f) => f.id === id));
      if (missing.length) {
        throw new AppError(ErrorCode.ValidationFailed, `These attachments are not part of this application: ${missing.join(', ')}`, {
          problems: missing.map((m) => ({ path: 'attachmentIds', message: `unknown attachment ${m}` })),
        });
      }
      const problems = checkUploads(
        files.map((f) => ({ fileName: f.fileName, bytes: f.content ?? new Uint8Array() })),
        DEFICIENCY_RESPONSE_POLICY,
      );
      if (problems.length) throw new AppError(ErrorCode.AttachmentRejected, problems.map((p) => p.message).join('; '), { problems });
      if (!input.clarification?.trim() && files.length === 0) {
        throw new AppError(ErrorCode.ValidationFailed, 'A clarification needs some text or at least one document.');
      }
      document = {
        document: 'coo-deficiency-clarification',
        applicationNumber: app.number,
        iec: app.iec,
        round: input.round,
        clarification: input.clarification?.trim() ?? '',
        attachments: files.map((f) => ({ id: f.id, fileName: f.fileName, sha256: f.sha256, sizeBytes: f.sizeBytes })),
      };
    } else {
      const iecRow = await em.findOne(IecRecord, { iec: app.iec });
      if (!iecRow) throw new AppError(ErrorCode.Conflict, `The IEC master record of ${app.iec} is missing: refresh it first`);
      const iec = iecRow.data as unknown as IecMasterRecord;
      const invoice = (app.tabs.certificateDetails as { invoice?: { number: string; date: string } } | undefined)?.invoice;
      let invoiceUsedBy: string | null = null;
      if (invoice) {
        const claim = await em.findOne(InvoiceClaim, { key: invoiceUniquenessKey(app.iec, invoice.number, invoice.date) });
        // a request corrects or copies the same export: the original application's claim is no second use
        if (claim && claim.applicationId !== app.id && claim.applicationId !== (await originalApplicationIdOf(em, app))) {
          invoiceUsedBy = (await em.findOne(ApplicationRow, { id: claim.applicationId }))?.number ?? claim.applicationId;
        }
      }
      const problems = [
        ...validateApplicationForSubmission(app.tabs, {
          reference,
          iec,
          today: todayInIndia(),
          invoiceUsedBy,
        }),
        ...(await requestProblems(em, app)),
      ];
      if (problems.length) {
        throw new AppError(ErrorCode.ValidationFailed, `The ${app.kind === 'application' ? 'application' : 'request'} cannot be submitted yet: ${problems.length} problem(s) to fix.`, { problems });
      }
      document =
        app.kind === 'application'
          ? {
              document: 'coo-application',
              applicationNumber: app.number,
              iec: app.iec,
              firmName: iecRow.firmName,
              purpose: input.purpose,
              round: input.round,
              tabs: app.tabs,
            }
          : {
              // a request signs what it asks for: the kind, the certificate, the reason, the supporting documents and the content of the new certificate
              document: 'coo-certificate-request',
              requestNumber: app.number,
              kind: app.kind,
              originalCertificateNumber: app.originalCertificateNumber,
              reason: app.requestReason,
              iec: app.iec,
              firmName: iecRow.firmName,
              purpose: input.purpose,
              round: input.round,
              supportingDocuments: (await supportingDocumentsOf(em, app.id)).map((f) => ({ id: f.id, fileName: f.fileName, sha256: f.sha256, sizeBytes: f.sizeBytes })),
              tabs: app.tabs,
            };
    }
    const bytes = canonicalBytes(document);
    return { purpose: input.purpose, round: input.round, sha256: sha256Hex(bytes), contentB64: bytes.toString('base64') };
}

export function createSigningService(deps: ApplicationServiceDeps) {
  return {
    /**
     * Validates the application (every tab, every rule) and returns the canonical bytes the exporter
     * must sign: the whole application for a submission or an edit, the clarification and its files
     * for a clarification. Deterministic for the same data, so a retry hands out the same bytes.
     */
    async prepareSigningPayload(input: PrepareSigningInput): Promise<SigningPayload> {
      const em = deps.em();
      const app = await loadApplication(em, input.applicationId);
      return buildSigningPayload(em, await deps.reference({ office: app.officeCode, agency: app.agencyCode }), input);
    },

    /**
     * Verifies the exporter's signature over the payload — a DSC's (every DSC rule, the acting user's
     * registered DSC) or an Aadhaar eSign provider's (an accepted ESP), the name-matching threshold on the
     * DSC's or the Aadhaar name — and stores the signed version with the method the signature proves (recordSignedVersion: a signed
     * clarification's files become submitted to the officer). Idempotent by step key.
     */
    async verifyAndRecordSignature(input: {
      applicationId: string;
      iec: string;
      stepKey: string;
      payload: SigningPayload;
      signature: SignatureInput;
    }): Promise<{ sha256: string; method: 'dsc' | 'esign' | 'smime' }> {
      const em = deps.em();
      const done = await em.findOne(SignedVersion, { stepKey: input.stepKey });
      if (done) return { sha256: done.sha256, method: done.method as 'dsc' | 'esign' | 'smime' };
      const content = Buffer.from(input.payload.contentB64, 'base64');
      if (sha256Hex(content) !== input.payload.sha256) throw new AppError(ErrorCode.Internal, 'signing payload corrupted');
      const method = input.signature.method;
      if (method === 'smime') throw new AppError(ErrorCode.ValidationFailed, 'S/MIME signatures come in by e-mail (acceptSmimeSignedResponse).');
      const verified = await deps.signatureVerifier.verify({
        signerId: input.signature.signerId,
        iec: input.iec,
        method,
        content,
        signatureB64: input.signature.signatureB64,
        now: new Date(),
      });
      // the signature decides the method recorded; the one the exporter named must agree with it
      assertSignatureMethod(method, verified.method);
      await recordSignedVersion(em, {
        applicationId: input.applicationId,
        stepKey: input.stepKey,
        payload: input.payload,
        signatureB64: input.signature.signatureB64,
        signerId: input.signature.signerId,
        signerCertFingerprint: verified.fingerprint,
        method: verified.method,
        signerName: verified.signerName,
        esign: verified.esign ?? null,
      });
      if (input.payload.purpose !== 'clarification') {
        await em.nativeUpdate(ApplicationRow, { id: input.applicationId }, { signedHash: input.payload.sha256 });
      }
      return { sha256: input.payload.sha256, method: verified.method };
    },
  };
}
