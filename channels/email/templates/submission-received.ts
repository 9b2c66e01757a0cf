import { apiReferenceUrl, capitalised, factsHtml, factsText, fileApi, fileWords, formatDateTime, formatRupees, frame, greetingName, html, type MailContext, type RenderedMail, type RequestMention } from './layout.js';

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
  request?: RequestMention | undefined;
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
  const w = fileWords(i.request);
  const intro = i.request
    ? `Your ${w.named(i.applicationNumber)} has been submitted to ${i.agency}, ${i.office}, which issued the certificate. Its status is now In-Process.`
    : `Your application for a preferential Certificate of Origin has been submitted to ${i.agency}, ${i.office}. Its status is now In-Process.`;
  const next = `The officer will review it. If anything needs correcting you will receive a ${w.query} e-mail that you can answer by replying to it. You can follow its status through the API: GET ${fileApi(i.ctx, i.applicationNumber).state} (API reference: ${apiReferenceUrl(i.ctx)}).`;
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.exporterName),
    text: `${intro}\n\n${factsText(facts)}\n\n${next}`,
    html: html`<p style="margin:0 0 12px">${intro}</p>${factsHtml(facts)}<p style="margin:0 0 12px">${next}</p>`,
  });
  return { subject: `${capitalised(w.noun)} ${i.applicationNumber} submitted to ${i.agency}, ${i.office}`, text, html: body };
}
