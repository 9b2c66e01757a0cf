import crypto from 'node:crypto';
import { ApplicationRow, AuditEvent, CertificateRow, InvoiceClaim } from '../../db/entities/index.js';
import type { ApplicationStatus } from '../../domain/application/file-status.js';
import { nextSequence } from '../../db/sequence.js';
import { formatFileNumber } from '../../domain/numbering/application-number.js';
import { formatCertificateNumber } from '../../domain/numbering/certificate-number.js';
import { financialYearOf } from '../../domain/application/financial-year.js';
import type { Actor } from '../../workflows/application/contract.js';
import type { ApplicationServiceDeps } from '../application/deps.js';

export interface TransitionInput {
  applicationId: string;
  /** unique per transition of the run: a retry writes nothing twice */
  eventKey: string;
  /** 'Draft' only when a file goes back to its draft before it was ever signed */
  status: ApplicationStatus;
  actor: Actor;
  action: string;
  details?: Record<string, unknown>;
  set?: Partial<{
    fileNumber: string;
    submittedAt: string;
    decidedAt: string;
    decidedBy: string;
    rejectionReason: string;
    certificateNumber: string;
    deficiencyRound: number;
    workflowId: string;
  }>;
}

export function createTransitionService(deps: ApplicationServiceDeps) {
  return {
    /** Writes the read model and appends the audit trail, in one transaction; idempotent by event key. */
    async recordTransition(t: TransitionInput): Promise<void> {
      const em = deps.em();
      await em.transactional(async (tx) => {
        const seen = await tx.findOne(AuditEvent, { eventKey: t.eventKey });
        if (seen) return;
        const app = await tx.findOneOrFail(ApplicationRow, { id: t.applicationId });
        app.status = t.status;
        app.statusChangedAt = new Date();
        const s = t.set ?? {};
        if (s.fileNumber) app.fileNumber = s.fileNumber;
        if (s.submittedAt) app.submittedAt = new Date(s.submittedAt);
        if (s.decidedAt) app.decidedAt = new Date(s.decidedAt);
        if (s.decidedBy) app.decidedBy = s.decidedBy;
        if (s.rejectionReason) app.rejectionReason = s.rejectionReason;
        if (s.certificateNumber) app.certificateNumber = s.certificateNumber;
        if (s.deficiencyRound !== undefined) app.deficiencyRound = s.deficiencyRound;
        if (s.workflowId) app.workflowId = s.workflowId;
        if (t.status === 'Expired' || t.status === 'Rejected') {
          // the invoice number may be used again in a new application
          await tx.nativeDelete(InvoiceClaim, { applicationId: app.id });
        }
        tx.create(AuditEvent, {
          eventKey: t.eventKey,
          subjectType: 'application',
          subjectId: app.number,
          action: t.action,
          actor: `${t.actor.id} (${t.actor.name})`,
          channel: t.actor.channel,
          details: { status: t.status, ...(t.details ?? {}) },
        });
      });
    },

    /** The file number, per office and financial year; the same number on a retry. */
    async assignFileNumber(applicationId: string): Promise<string> {
      const em = deps.em();
      const app = await em.findOneOrFail(ApplicationRow, { id: applicationId });
      if (app.fileNumber) return app.fileNumber;
      const office = (await deps.reference()).office(app.officeCode!);
      if (!office) throw new Error(`office ${app.officeCode} missing from the reference data`);
      const now = new Date();
      const seq = await nextSequence(em, `file/${office.code}/${financialYearOf(now).label}`);
      const fileNumber = formatFileNumber(office.fileNumberPrefix, seq, now);
      // only the first writer wins; a concurrent retry reads the winner's number
      await em.getConnection().execute(`update application set file_number = ? where id = ? and file_number is null`, [fileNumber, applicationId]);
      return (await em.fork().findOneOrFail(ApplicationRow, { id: applicationId })).fileNumber!;
    },

    /**
     * Creates the certificate record and its number (per agency and calendar year). The signed PDF is
     * rendered by the certificate activities; this step is idempotent per application.
     */
    async createCertificateRecord(input: { applicationId: string; officer: Actor }): Promise<{ certificateNumber: string }> {
      const em = deps.em();
      const existing = await em.findOne(CertificateRow, { applicationId: input.applicationId });
      if (existing) return { certificateNumber: existing.number };
      const app = await em.findOneOrFail(ApplicationRow, { id: input.applicationId });
      const agreement = (await deps.reference()).agreement(app.agreementCode!);
      const now = new Date();
      const seq = await nextSequence(em, `certificate/${app.agencyCode}/${now.getUTCFullYear()}`);
      const number = formatCertificateNumber({ agencyCode: app.agencyCode!, issuedOn: now, agreementNumericCode: agreement!.numericCode, sequence: seq });
      await em.getConnection().execute(
        `insert into certificate (number, application_id, kind, original_number, iec, agency_code, office_code, agreement_code, status, issued_by, issued_at, document, verification_token, history)
         values (?, ?, 'original', null, ?, ?, ?, ?, 'issued', ?, ?, ?::jsonb, ?, ?::jsonb) on conflict (application_id) do nothing`,
        [
          number,
          app.id,
          app.iec,
          app.agencyCode,
          app.officeCode,
          app.agreementCode,
          input.officer.id,
          now,
          JSON.stringify({ applicationNumber: app.number, fileNumber: app.fileNumber, tabs: app.tabs }),
          crypto.randomBytes(24).toString('base64url'),
          JSON.stringify([{ at: now.toISOString(), event: 'issued', note: `by ${input.officer.name}` }]),
        ],
      );
      return { certificateNumber: (await em.fork().findOneOrFail(CertificateRow, { applicationId: app.id })).number };
    },
  };
}
