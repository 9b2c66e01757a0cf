import { capitalised, factsHtml, factsText, fileWords, frame, greetingName, html, quoteHtml, quoteText, type MailContext, type RenderedMail, type RequestMention } from './layout.js';

export interface RejectionInput {
  ctx: MailContext;
  exporterName: string;
  applicationNumber: string;
  office: string;
  reason: string;
  request?: RequestMention | undefined;
}

/** Seed 004: "Rejected: file has been rejected by the officer". */
export function renderRejection(i: RejectionInput): RenderedMail {
  const facts: [string, string][] = [
    ['File number', i.applicationNumber],
    ['Office', i.office],
  ];
  const w = fileWords(i.request);
  const intro = `The officer at ${i.office} has rejected your ${w.named(i.applicationNumber)}. The reason given:`;
  const next = `${i.request ? `The certificate ${i.request.originalCertificateNumber} stays as it was; you may file a new request with the corrected details.` : 'If the shipment still needs a certificate, you may file a new application with the corrected details.'} For questions about this decision write to ${i.ctx.helpdeskAddress}, quoting the file number.`;
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.exporterName),
    text: [intro, quoteText(i.reason), factsText(facts), next].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p>${quoteHtml(i.reason)}${factsHtml(facts)}<p style="margin:0 0 12px">${next}</p>`,
  });
  return { subject: `${capitalised(w.noun)} ${i.applicationNumber} rejected`, text, html: body };
}
