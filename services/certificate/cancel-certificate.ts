import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { ApplicationRow, CertificateRow, IecRecord, StaffUserRow } from '../../db/entities/index.js';
import { renderCertificateCancelled } from '../../channels/email/templates/certificate-cancelled.js';
import type { MailContext } from '../../channels/email/templates/layout.js';
import { canonicalDocument, type CanonicalDocument } from '../../domain/identity/canonical.js';
import { LEGACY_PLATFORM } from '../../domain/certificate/life.js';
import type { ReferenceSource } from '../../domain/reference/reference-index.js';
import type { IecRecord as IecMasterRecord } from '../../domain/reference/types.js';
import type { Role } from '../../lib/auth/roles.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { recordAudit } from '../identity/audit.js';
import type { IdentitySetupSource } from '../identity/identity-setup.js';
import { verifySignedSubmission } from '../identity/verify-signed-submission.js';
import type { Notifier } from '../notification/notifier.js';
import { verificationUrl } from './qr-payload.js';

/**
 * Cancellation of an issued certificate (issue 11): by an officer of the issuing office or an
 * administrator of its agency, with a mandatory reason, signed with their registered DSC.
 *
 * Stateless and deterministic: the bytes to sign are the canonical JSON of
 * {document: 'coo-certificate-cancellation', certificateNumber, reason, officerId}, computed again from
 * the request when the signature comes back, so nothing is kept between the two calls. The signature is
 * checked exactly like the officer's signature of a certificate (verifySignedSubmission: the signer's
 * registered, active DSC from a trusted CA, valid now, the name match). Then, in one transaction, the
 * certificate becomes cancelled (when, by whom, why), its history says so and an audit event keeps the
 * signature. The exporter is told by e-mail through the outbox, once.
 */

export const CANCELLATION_DOCUMENT = 'coo-certificate-cancellation';

/** Who cancels, from their verified token. */
export interface CancellationActor {
  id: string;
  name: string;
  roles: readonly Role[];
  officeCode?: string | undefined;
  agencyCode?: string | undefined;
}

export interface CancellationServiceDeps {
  em: () => EntityManager;
  identity: IdentitySetupSource;
  reference: ReferenceSource;
  notifier: Notifier;
  mail: () => MailContext;
  publicBaseUrl: () => string;
  /** failures to send the e-mail (the cancellation stands; the outbox row keeps the error) */
  onNotifyError?: (e: unknown, certificateNumber: string) => void;
}

export interface CancellationPayload {
  certificateNumber: string;
  reason: string;
  officerId: string;
  contentB64: string;
  sha256: string;
}

export interface CancellationView {
  certificateNumber: string;
  status: 'cancelled';
  statusChangedAt: string;
  statusChangedBy: string;
  statusReason: string;
  signedBy: { name: string; serialNumber: string };
  exporterNotified: boolean;
}

/** The reason as signed: line breaks normalised, surrounding space dropped. */
export function normaliseReason(reason: string): string {
  return reason.replace(/\r\n?/g, '\n').trim();
}

/** The exact bytes the officer signs. */
export function cancellationContent(input: { certificateNumber: string; reason: string; officerId: string }): CanonicalDocument {
  return canonicalDocument({ document: CANCELLATION_DOCUMENT, certificateNumber: input.certificateNumber, reason: normaliseReason(input.reason), officerId: input.officerId });
}

function istTime(d: Date): string {
  return `${new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(d)} IST`;
}

/** Why this certificate cannot be cancelled (any more), or undefined. */
export function cancellationRefusal(row: Pick<CertificateRow, 'number' | 'status' | 'source' | 'supersededBy' | 'statusChangedAt' | 'statusChangedBy' | 'statusReason' | 'pdfSha256'>): AppError | undefined {
  const details = { status: row.status, statusChangedAt: row.statusChangedAt?.toISOString() ?? null, statusChangedBy: row.statusChangedBy ?? null, statusReason: row.statusReason ?? null };
  if (row.status === 'cancelled') {
    const when = row.statusChangedAt ? ` on ${istTime(row.statusChangedAt)}` : '';
    const who = row.statusChangedBy ? ` by ${row.statusChangedBy}` : '';
    return new AppError(ErrorCode.Conflict, `Certificate ${row.number} was already cancelled${when}${who}${row.statusReason ? `: ${row.statusReason}` : ''}.`, { details });
  }
  if (row.status === 'superseded') {
    return new AppError(
      ErrorCode.Conflict,
      `Certificate ${row.number} is superseded${row.supersededBy ? ` by ${row.supersededBy}` : ''}${row.statusChangedAt ? ` since ${istTime(row.statusChangedAt)}` : ''}: it is no longer in force. Cancel the certificate in force${row.supersededBy ? `, ${row.supersededBy},` : ''} instead.`,
      { details: { ...details, supersededBy: row.supersededBy ?? null } },
    );
  }
  if (row.source === 'legacy') {
    return new AppError(ErrorCode.Conflict, `Certificate ${row.number} was issued on the legacy platform: its cancellation is filed on ${LEGACY_PLATFORM}, which keeps handling what follows from its certificates.`, {
      details,
    });
  }
  if (row.status !== 'issued') return new AppError(ErrorCode.Conflict, `Certificate ${row.number} is ${row.status}: only an issued certificate can be cancelled.`, { details });
  if (!row.pdfSha256) {
    return new AppError(ErrorCode.Conflict, `Certificate ${row.number} is not issued yet: its signed PDF is still being made. Try again once the file is Approved.`, { details });
  }
  return undefined;
}

export function createCertificateCancellationService(deps: CancellationServiceDeps) {
  /** The certificate, if the actor may cancel it: an officer of its office, an administrator of its agency. */
  async function loadForActor(em: EntityManager, number: string, actor: CancellationActor): Promise<{ row: CertificateRow; staff: StaffUserRow }> {
    const row = await em.findOne(CertificateRow, { number });
    if (!row) throw new AppError(ErrorCode.NotFound, `Certificate ${number} was not found.`);
    const asOfficer = actor.roles.includes('officer') && actor.officeCode === row.officeCode;
    const asAdmin = actor.roles.includes('agency-admin') && actor.agencyCode === row.agencyCode;
    const staff = await em.findOne(StaffUserRow, { id: actor.id });
    const registered =
      !!staff && staff.active && ((asOfficer && staff.officeCode === row.officeCode) || (asAdmin && staff.role === 'agency-admin' && staff.agencyCode === row.agencyCode));
    if (!registered) {
      throw new AppError(
        ErrorCode.Forbidden,
        `Only an officer of ${row.officeCode}, the office that issued certificate ${number}, or an administrator of agency ${row.agencyCode} can cancel it.`,
      );
    }
    return { row, staff: staff! };
  }

  async function notifyExporter(row: CertificateRow, at: Date, reason: string): Promise<boolean> {
    const em = deps.em();
    const iec = await em.findOne(IecRecord, { iec: row.iec });
    const master = iec?.data as unknown as IecMasterRecord | undefined;
    if (!master?.email) return false;
    const app = row.applicationId ? await em.findOne(ApplicationRow, { id: row.applicationId }) : null;
    const office = (await deps.reference({ office: row.officeCode })).office(row.officeCode)?.name ?? row.officeCode;
    const mail = renderCertificateCancelled({
      ctx: deps.mail(),
      exporterName: master.firmName,
      certificateNumber: row.number,
      ...(app ? { fileNumber: app.fileNumber ?? app.number } : {}),
      office,
      cancelledAt: at,
      reason,
      verifyUrl: verificationUrl(deps.publicBaseUrl(), row.number, row.verificationToken),
    });
    try {
      const r = await deps.notifier.send({
        key: `certificate-cancelled/${row.number}`,
        channel: 'email',
        to: master.email,
        template: 'certificate-cancelled',
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        ...(row.applicationId ? { applicationId: row.applicationId } : {}),
      });
      return r.sent || r.duplicate;
    } catch (e) {
      deps.onNotifyError?.(e, row.number);
      return false;
    }
  }

  return {
    /** The bytes to sign for cancelling `number` with `reason`, after every check that does not need the signature. */
    async cancellationPayload(input: { number: string; reason: string; actor: CancellationActor }): Promise<CancellationPayload> {
      const reason = normaliseReason(input.reason);
      if (!reason) throw new AppError(ErrorCode.ValidationFailed, 'A reason is required to cancel a certificate.', { problems: [{ path: 'body/reason', message: 'required' }] });
      const { row } = await loadForActor(deps.em(), input.number, input.actor);
      const refusal = cancellationRefusal(row);
      if (refusal) throw refusal;
      const content = cancellationContent({ certificateNumber: row.number, reason, officerId: input.actor.id });
      return { certificateNumber: row.number, reason, officerId: input.actor.id, contentB64: content.base64, sha256: content.sha256 };
    },

    /** Checks the signature over the same bytes, then cancels in one transaction and tells the exporter. */
    async cancelCertificate(input: { number: string; reason: string; signatureB64: string; actor: CancellationActor }): Promise<CancellationView> {
      const reason = normaliseReason(input.reason);
      if (!reason) throw new AppError(ErrorCode.ValidationFailed, 'A reason is required to cancel a certificate.', { problems: [{ path: 'body/reason', message: 'required' }] });
      const { row, staff } = await loadForActor(deps.em(), input.number, input.actor);
      const early = cancellationRefusal(row);
      if (early) throw early;
      const content = cancellationContent({ certificateNumber: row.number, reason, officerId: input.actor.id });
      const verdict = await verifySignedSubmission({
        em: deps.em(),
        identity: await deps.identity(),
        userId: input.actor.id,
        iec: null,
        contentBytes: content.bytes,
        signatureB64: input.signatureB64,
        now: new Date(),
        context: `cancellation of certificate ${row.number}`,
        channel: 'api',
      });
      const by = `${staff.id} (${staff.name})`.slice(0, 120);
      const at = new Date();
      await deps.em().transactional(async (tx) => {
        const locked = await tx.findOneOrFail(CertificateRow, { number: row.number }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        // someone else may have cancelled it (or an in-lieu certificate superseded it) since the checks above
        const refusal = cancellationRefusal(locked);
        if (refusal) throw refusal;
        locked.status = 'cancelled';
        locked.statusChangedAt = at;
        locked.statusChangedBy = by;
        locked.statusReason = reason;
        locked.history = [...locked.history, { at: at.toISOString(), event: 'cancelled', note: reason }];
        recordAudit(tx, {
          key: `certificate.cancelled/${row.number}`,
          subjectType: 'certificate',
          subjectId: row.number,
          action: 'certificate.cancelled',
          actor: staff.id,
          channel: 'api',
          details: {
            reason,
            role: input.actor.roles.includes('officer') && input.actor.officeCode === row.officeCode ? 'officer' : 'agency-admin',
            officeCode: row.officeCode,
            contentSha256: content.sha256,
            signatureB64: input.signatureB64.replace(/\s+/g, ''),
            signerName: verdict.signerName,
            signerSerialNumber: verdict.signerSerialNumber,
            signerFingerprintSha256: verdict.signerFingerprintSha256,
            dscId: verdict.dscId,
          },
        });
      });
      const exporterNotified = await notifyExporter(row, at, reason);
      return {
        certificateNumber: row.number,
        status: 'cancelled',
        statusChangedAt: at.toISOString(),
        statusChangedBy: by,
        statusReason: reason,
        signedBy: { name: verdict.signerName, serialNumber: verdict.signerSerialNumber },
        exporterNotified,
      };
    },
  };
}
