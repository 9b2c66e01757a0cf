import { factsHtml, factsText, formatDateTime, frame, greetingName, html, link, quoteHtml, quoteText, type MailContext, type RenderedMail } from './layout.js';

export interface CertificateCancelledInput {
  ctx: MailContext;
  exporterName: string;
  certificateNumber: string;
  /** the file it was issued for, when there is one */
  fileNumber?: string;
  office: string;
  cancelledAt: Date;
  reason: string;
  /** the certificate's public verification, which now says it is cancelled */
  verifyUrl: string;
}

/** Issue 11: the issuing office cancelled an issued certificate; the exporter is told why. */
export function renderCertificateCancelled(i: CertificateCancelledInput): RenderedMail {
  const facts: [string, string][] = [
    ['Certificate number', i.certificateNumber],
    ...(i.fileNumber ? ([['File number', i.fileNumber]] as [string, string][]) : []),
    ['Cancelled by', i.office],
    ['Cancelled', formatDateTime(i.cancelledAt)],
  ];
  const intro = `Your Certificate of Origin ${i.certificateNumber} has been cancelled by ${i.office}. It is no longer valid and cannot be used to claim preference. The reason given:`;
  const verify = 'Its public verification, which customs authorities see when they scan its QR code, now shows it as cancelled:';
  const next = `If the shipment still needs a certificate, you may file a new application. For questions about this cancellation write to ${i.ctx.helpdeskAddress}, quoting the certificate number.`;
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.exporterName),
    text: [intro, quoteText(i.reason), factsText(facts), `${verify}\n  ${i.verifyUrl}`, next].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p>${quoteHtml(i.reason)}${factsHtml(facts)}<p style="margin:0 0 12px">${verify} ${link(i.verifyUrl)}</p><p style="margin:0 0 12px">${next}</p>`,
  });
  return { subject: `Certificate of Origin ${i.certificateNumber} cancelled`, text, html: body };
}
