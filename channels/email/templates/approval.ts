import { sanitizeFileName } from '../../../domain/application/sanitize-file-name.js';
import { apiBase, factsHtml, factsText, formatDateTime, frame, greetingName, html, link, type MailContext, type RenderedMail } from './layout.js';

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
  const pdf = `${apiBase(i.ctx)}/v1/certificates/${encodeURIComponent(i.certificateNumber)}/pdf`;
  const also = `The signed certificate can also be downloaded through the API: GET ${pdf}`;
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.exporterName),
    text: [intro, factsText(facts), `${verify}\n  ${i.verifyUrl}`, also].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p>${factsHtml(facts)}<p style="margin:0 0 12px">${verify} ${link(i.verifyUrl)}</p><p style="margin:0 0 12px">${also}</p>`,
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
