import crypto from 'node:crypto';
import { LockMode } from '@mikro-orm/postgresql';
import { ApplicationRow, AuditEvent, CertificateRow, InvoiceClaim } from '../../db/entities/index.js';
import type { ApplicationStatus } from '../../domain/application/file-status.js';
import { nextSequence } from '../../db/sequence.js';
import { formatFileNumber } from '../../domain/numbering/application-number.js';
import { certificateSequenceKey, formatCertificateNumber, formatDuplicateNumber } from '../../domain/numbering/certificate-number.js';
import { requestKindLabel, type RequestKind } from '../../domain/certificate/life.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { financialYearOf } from '../../domain/application/financial-year.js';
import type { Actor } from '../../workflows/application/contract.js';
import type { ApplicationServiceDeps } from '../application/deps.js';
import { actorName } from '../identity/people-names.js';

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
          subjectType: app.kind === 'application' ? 'application' : 'certificate-request',
          subjectId: app.number,
          action: t.action,
          // "id (name)": a signer recorded by id gets the person's name
          actor: `${t.actor.id} (${await actorName(tx, t.actor)})`,
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
      const office = (await deps.reference({ office: app.officeCode })).office(app.officeCode!);
      if (!office) throw new Error(`office ${app.officeCode} missing from the reference data`);
      const now = new Date();
      const seq = await nextSequence(em, `file/${office.code}/${financialYearOf(now).label}`);
      const fileNumber = formatFileNumber(office.fileNumberPrefix, seq, now, app.kind === 'application' ? 'APPLY' : 'DUPL');
      // only the first writer wins; a concurrent retry reads the winner's number
      await em.getConnection().execute(`update application set file_number = ? where id = ? and file_number is null`, [fileNumber, applicationId]);
      return (await em.fork().findOneOrFail(ApplicationRow, { id: applicationId })).fileNumber!;
    },

    /**
     * Creates the certificate record and its number, idempotent per file. An application's certificate is
     * numbered per agency and calendar year; a duplicate's or an in-lieu certificate's derives from the
     * original's (`<original>/00000001`, a sequence per original). An in-lieu certificate supersedes its
     * original in the same transaction as its own record; a duplicate leaves the original in force, and
     * both point at each other. The signed PDF is rendered by the certificate activities.
     */
    async createCertificateRecord(input: { applicationId: string; officer: Actor }): Promise<{ certificateNumber: string }> {
      const em = deps.em();
      const existing = await em.findOne(CertificateRow, { applicationId: input.applicationId });
      if (existing) return { certificateNumber: existing.number };
      const app = await em.findOneOrFail(ApplicationRow, { id: input.applicationId });
      const now = new Date();
      const document = JSON.stringify({ applicationNumber: app.number, fileNumber: app.fileNumber, tabs: app.tabs });
      const issued = JSON.stringify([{ at: now.toISOString(), event: 'issued', note: `by ${input.officer.name}` }]);
      if (app.kind === 'application') {
        const agreement = (await deps.reference()).agreement(app.agreementCode!);
        const seq = await nextSequence(em, certificateSequenceKey(app.agencyCode!, now));
        const number = formatCertificateNumber({ agencyCode: app.agencyCode!, issuedOn: now, agreementNumericCode: agreement!.numericCode, sequence: seq });
        await em.getConnection().execute(
          `insert into certificate (number, application_id, kind, original_number, iec, agency_code, office_code, agreement_code, status, issued_by, issued_at, document, verification_token, history)
           values (?, ?, 'original', null, ?, ?, ?, ?, 'issued', ?, ?, ?::jsonb, ?, ?::jsonb) on conflict (application_id) do nothing`,
          [number, app.id, app.iec, app.agencyCode, app.officeCode, app.agreementCode, input.officer.id, now, document, crypto.randomBytes(24).toString('base64url'), issued],
        );
        return { certificateNumber: (await em.fork().findOneOrFail(CertificateRow, { applicationId: app.id })).number };
      }
      return em.transactional(async (tx) => {
        // the original, locked: a cancellation or another issue of it waits for this one, or this one for it
        const original = await tx.findOne(CertificateRow, { number: app.originalCertificateNumber! }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!original) throw new AppError(ErrorCode.NotFound, `Certificate ${app.originalCertificateNumber} no longer exists.`);
        const again = await tx.findOne(CertificateRow, { applicationId: app.id });
        if (again) return { certificateNumber: again.number };
        const kind: RequestKind = app.kind === 'duplicate' ? 'duplicate' : 'in-lieu';
        if (original.status !== 'issued') {
          throw new AppError(
            ErrorCode.Conflict,
            `Certificate ${original.number} is ${original.status}${original.supersededBy ? ` by ${original.supersededBy}` : ''}: no ${requestKindLabel(kind)} can be issued for it.`,
          );
        }
        const seq = await nextSequence(tx, `certificate-request/${original.number}`);
        const number = formatDuplicateNumber(original.number, seq);
        const reason = app.requestReason ?? '';
        // a concurrent retry of this activity hits the unique application_id and, retried, finds this row
        tx.create(CertificateRow, {
          number,
          applicationId: app.id,
          kind,
          originalNumber: original.number,
          source: 'platform',
          iec: app.iec,
          agencyCode: app.agencyCode!,
          officeCode: app.officeCode!,
          agreementCode: app.agreementCode!,
          status: 'issued',
          issuedBy: input.officer.id,
          issuedAt: now,
          document: JSON.parse(document) as Record<string, unknown>,
          verificationToken: crypto.randomBytes(24).toString('base64url'),
          history: JSON.parse(issued) as { at: string; event: string; note?: string }[],
        });
        const history = [...(original.history ?? [])];
        if (kind === 'in-lieu') {
          original.status = 'superseded';
          original.supersededBy = number;
          original.statusChangedAt = now;
          original.statusChangedBy = `${input.officer.id} (${input.officer.name})`;
          original.statusReason = reason;
          history.push({ at: now.toISOString(), event: 'superseded', note: `by ${number}: ${reason}` });
        } else {
          history.push({ at: now.toISOString(), event: 'duplicate_issued', note: `${number}: ${reason}` });
        }
        original.history = history;
        tx.create(AuditEvent, {
          eventKey: `certificate/${number}/issued`,
          subjectType: 'certificate',
          subjectId: original.number,
          action: kind === 'in-lieu' ? 'certificate.superseded' : 'certificate.duplicate-issued',
          actor: `${input.officer.id} (${input.officer.name})`,
          channel: input.officer.channel,
          details: { newCertificate: number, request: app.number, reason },
        });
        return { certificateNumber: number };
      });
    },
  };
}
