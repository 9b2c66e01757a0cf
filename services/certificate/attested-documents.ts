import type { EntityManager } from '@mikro-orm/postgresql';
import { AttachmentRow, AttestedDocumentRow, CertificateRow } from '../../db/entities/index.js';
import { isAttestable, type AttestationDecline } from '../../domain/certificate/attestation.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { CertificateRenderer } from './application-certificate-renderer.js';
import type { StoredCertificateDocument } from './certificate-document.js';

/**
 * Attested documents (seed 004 tab 6 "Attest"): at issuance, each attachment of the approved application
 * marked "Attest" becomes an attested copy (services/certificate/attested-copy.ts) or, when the approving
 * officer declined it, a row with the officer's remark. A file that cannot be reproduced as a copy (a
 * spreadsheet, an unreadable or encrypted PDF) is declined by the system with the reason. One row per
 * certificate and attachment: a retried or repeated issuance finds the rows and adds none.
 */

export interface MarkedAttachment {
  id: string;
  fileName: string;
  documentType: string;
}

/** The attachments of the approved version (the certificate's frozen tabs) the exporter marked "Attest". */
export function markedForAttestation(tabs: { attachments?: { files?: { id: string; fileName: string; documentType: string; attest?: boolean }[] } } | undefined): MarkedAttachment[] {
  return (tabs?.attachments?.files ?? []).filter((f) => f.attest).map((f) => ({ id: f.id, fileName: f.fileName, documentType: f.documentType }));
}

export interface AttestedDocumentView {
  id: string;
  fileName: string;
  documentType: string;
  status: 'attested' | 'declined';
  remark: string | null;
  decidedBy: string;
  pdf: { sha256: string; pageCount: number; appendedPage: boolean; path: string } | null;
}

export function attestedDocumentPath(certificateNumber: string, id: string): string {
  return `/v1/certificates/${encodeURIComponent(certificateNumber)}/attested-documents/${id}.pdf`;
}

export async function listAttestedDocuments(em: EntityManager, certificateNumber: string): Promise<AttestedDocumentView[]> {
  const rows = await em.find(AttestedDocumentRow, { certificateNumber }, { orderBy: { createdAt: 'asc', fileName: 'asc' } });
  return rows.map((r) => ({
    id: r.attachmentId,
    fileName: r.fileName,
    documentType: r.documentType,
    status: r.status,
    remark: r.remark ?? null,
    decidedBy: r.decidedBy,
    pdf: r.status === 'attested' && r.pdfSha256 ? { sha256: r.pdfSha256, pageCount: r.pageCount ?? 0, appendedPage: r.appendedPage, path: attestedDocumentPath(certificateNumber, r.attachmentId) } : null,
  }));
}

export function createAttestationService(deps: { em: () => EntityManager; certificateRenderer?: CertificateRenderer | undefined }) {
  async function insert(em: EntityManager, row: Omit<AttestedDocumentRow, 'createdAt' | 'pdf' | 'pdfSha256' | 'pageCount' | 'appendedPage'> & { pdf?: Buffer; pdfSha256?: string; pageCount?: number; appendedPage?: boolean }) {
    await em.getConnection().execute(
      `insert into attested_document (certificate_number, attachment_id, application_id, document_type, file_name, status, remark, decided_by, pdf, pdf_sha256, page_count, appended_page, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()) on conflict do nothing`,
      [
        row.certificateNumber,
        row.attachmentId,
        row.applicationId,
        row.documentType,
        row.fileName,
        row.status,
        row.remark ?? null,
        row.decidedBy,
        row.pdf ?? null,
        row.pdfSha256 ?? null,
        row.pageCount ?? null,
        row.appendedPage ?? false,
      ],
    );
  }

  return {
    /**
     * Attests every marked attachment not declined, records the declined ones with their remark. A missing
     * stamp, signature image or e-seal is the renderer's refusal, on which the workflow holds the file.
     */
    async issueAttestedDocuments(input: {
      applicationId: string;
      certificateNumber: string;
      officer: { id: string; name: string };
      declined: AttestationDecline[];
    }): Promise<{ attested: number; declined: number }> {
      if (!deps.certificateRenderer) return { attested: 0, declined: 0 };
      const em = deps.em();
      const cert = await em.findOneOrFail(CertificateRow, { number: input.certificateNumber });
      // a duplicate or in-lieu certificate is issued on a request, which has no tab 6 of its own
      if (cert.kind !== 'original') return { attested: 0, declined: 0 };
      const marked = markedForAttestation((cert.document as unknown as StoredCertificateDocument).tabs as never);
      const done = new Set((await em.find(AttestedDocumentRow, { certificateNumber: cert.number }, { fields: ['attachmentId'] })).map((r) => r.attachmentId));
      const officer = `${input.officer.id} (${input.officer.name})`.slice(0, 120);
      const base = { certificateNumber: cert.number, applicationId: input.applicationId };
      for (const m of marked) {
        if (done.has(m.id)) continue;
        const row = { ...base, attachmentId: m.id, documentType: m.documentType, fileName: m.fileName };
        const decline = input.declined.find((d) => d.attachmentId === m.id);
        if (decline) {
          await insert(em, { ...row, status: 'declined', remark: decline.remark.trim(), decidedBy: officer });
          continue;
        }
        const file = await em.findOne(AttachmentRow, { id: m.id, applicationId: input.applicationId }, { populate: ['content'] });
        if (!file) {
          await insert(em, { ...row, status: 'declined', remark: 'The file was not found with the application.', decidedBy: 'system' });
          continue;
        }
        if (!isAttestable(file.contentType)) {
          await insert(em, { ...row, status: 'declined', remark: `A ${file.contentType.toUpperCase()} file has no pages to reproduce as an attested copy; attach it as a PDF to have it attested.`, decidedBy: 'system' });
          continue;
        }
        try {
          const copy = await deps.certificateRenderer.attestCopy({ certificateNumber: cert.number, fileName: m.fileName, contentType: file.contentType, bytes: file.content as Uint8Array });
          await insert(em, { ...row, status: 'attested', remark: null, decidedBy: officer, pdf: copy.pdf, pdfSha256: copy.sha256, pageCount: copy.pageCount, appendedPage: copy.appendedPage });
        } catch (e) {
          // a file that cannot be reproduced is no reason to hold the certificate: declined, with why
          if (!(e instanceof AppError) || e.code !== ErrorCode.ValidationFailed) throw e;
          await insert(em, { ...row, status: 'declined', remark: e.message, decidedBy: 'system' });
        }
      }
      const rows = await em.fork().find(AttestedDocumentRow, { certificateNumber: cert.number }, { fields: ['status'] });
      return { attested: rows.filter((r) => r.status === 'attested').length, declined: rows.filter((r) => r.status === 'declined').length };
    },
  };
}
