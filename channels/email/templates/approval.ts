import { sanitizeFileName } from '../../../domain/application/sanitize-file-name.js';
import { factsHtml, factsText, formatDateTime, frame, greetingName, html, link, type MailContext, type RenderedMail } from './layout.js';

export interface ApprovalInput {
  ctx: MailContext;
  exporterName: string;
  applicationNumber: string;
  certificateNumber: string;
  agreement: string;
  office: string;
  issuedAt: Date;
  /** public verification page or QR target for this certificate */
  verifyUrl: string;
  /** the signed "Electronic Copy" PDF */
  certificatePdf: Buffer;
  /** where the certificate downloads (with a login): GET /v1/certificates/{number}/pdf */
  certificateUrl: string;
  /** the attachments marked "Attest": each attested (with its download) or declined with the remark */
  attested: { fileName: string; url?: string | undefined; declinedRemark?: string | undefined }[];
}

/** The attested documents' paragraph: each attested copy with its download, each declined one with its remark, or none. */
export function attestedDocumentLines(attested: ApprovalInput['attested']): string[] {
  if (attested.length === 0) return ['No document was marked for attestation with this application.'];
  return attested.map((a) => (a.url ? `${a.fileName}: attested copy, ${a.url}` : `${a.fileName}: not attested. Remark: ${a.declinedRemark ?? ''}`));
}

/** Seed 004: "Approved: certificate has been issued by the officer". The signed PDF is attached. */
export function renderApproval(i: ApprovalInput): RenderedMail {
  const facts: [string, string][] = [
    ['Certificate number', i.certificateNumber],
    ['File number', i.applicationNumber],
    ['Trade agreement', i.agreement],
    ['Issued by', i.office],
    ['Issued', formatDateTime(i.issuedAt)],
  ];
  const intro = `Your Certificate of Origin has been issued and digitally signed. The electronic copy is attached to this e-mail.`;
  const verify = `Customs authorities can verify it by scanning its QR code or by entering the certificate number on the verification page:`;
  const also = 'With your login to the API, the certificate downloads at:';
  const attestedHead = 'Attested documents (each sealed like the certificate; they download with the same login):';
  const lines = attestedDocumentLines(i.attested);
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.exporterName),
    text: [intro, factsText(facts), `${verify}\n  ${i.verifyUrl}`, `${also}\n  ${i.certificateUrl}`, `${attestedHead}\n${lines.map((l) => `  - ${l}`).join('\n')}`].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p>${factsHtml(facts)}<p style="margin:0 0 12px">${verify} ${link(i.verifyUrl)}</p><p style="margin:0 0 12px">${also} ${link(i.certificateUrl)}</p><p style="margin:0 0 4px">${attestedHead}</p><ul style="margin:0 0 12px">${i.attested.length === 0 ? html`<li>${lines[0]!}</li>` : i.attested.map((a) => (a.url ? html`<li>${a.fileName}: attested copy, ${link(a.url)}</li>` : html`<li>${a.fileName}: not attested. Remark: ${a.declinedRemark ?? ''}</li>`))}</ul>`,
  });
  return {
    subject: `Certificate of Origin ${i.certificateNumber} issued (application ${i.applicationNumber})`,
    text,
    html: body,
    attachments: [
      { filename: sanitizeFileName(`Certificate-of-Origin-${i.certificateNumber.replace(/[/\\]/g, '-')}.pdf`, 'pdf'), content: i.certificatePdf, contentType: 'application/pdf' },
    ],
  };
}
