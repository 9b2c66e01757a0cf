import { factsHtml, factsText, formatDateTime, formatRupees, frame, greetingName, html, type MailContext, type RenderedMail } from './layout.js';

export interface SubmissionReceivedInput {
  ctx: MailContext;
  exporterName: string;
  /** the file number generated after payment, e.g. HQRCCOAPPLY00000019AM25 */
  applicationNumber: string;
  agreement: string;
  agency: string;
  office: string;
  invoiceNumber: string;
  submittedAt: Date;
  amountPaid: number;
}

/** Seed 001/004: after payment the file number is generated and the exporter is alerted by e-mail. */
export function renderSubmissionReceived(i: SubmissionReceivedInput): RenderedMail {
  const facts: [string, string][] = [
    ['File number', i.applicationNumber],
    ['Trade agreement', i.agreement],
    ['Issuing office', `${i.agency}, ${i.office}`],
    ['Invoice number', i.invoiceNumber],
    ['Submitted', formatDateTime(i.submittedAt)],
    ['Fee paid', formatRupees(i.amountPaid)],
  ];
  const intro = `Your application for a preferential Certificate of Origin has been submitted to ${i.agency}, ${i.office}. Its status is now In-Process.`;
  const next = `The officer will review it. If anything needs correcting you will receive a deficiency e-mail that you can answer by replying to it. You can follow the status under My Dashboard > Submitted Applications.`;
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.exporterName),
    text: `${intro}\n\n${factsText(facts)}\n\n${next}`,
    html: html`<p style="margin:0 0 12px">${intro}</p>${factsHtml(facts)}<p style="margin:0 0 12px">${next}</p>`,
  });
  return { subject: `Application ${i.applicationNumber} submitted to ${i.agency}, ${i.office}`, text, html: body };
}
