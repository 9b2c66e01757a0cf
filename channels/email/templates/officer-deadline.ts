import { factsHtml, factsText, frame, greetingName, html, type MailContext, type RenderedMail } from './layout.js';

export interface OfficerDeadlineMailInput {
  ctx: MailContext;
  /** the officer reminded, or the administrator told */
  recipientName: string;
  step: 'reminder' | 'escalation';
  wait: 'review' | 'certificate-signature';
  fileNumber: string;
  /** the application's number, which the API takes as {id} in its paths */
  applicationNumber: string;
  exporterName: string;
  office: string;
  /** whose signature the certificate waits for */
  officerName?: string;
  certificateNumber?: string;
  waitingSince: Date;
  /** "2 d 4 h" */
  waited: string;
  reminderNumber: number;
}

/** A reminder to an officer who has not acted, or the escalation to the agency's administrator. */
export function renderOfficerDeadline(i: OfficerDeadlineMailInput): RenderedMail {
  const what =
    i.wait === 'review'
      ? `File ${i.fileNumber} from ${i.exporterName} has waited ${i.waited} at ${i.office} for a decision (approve, raise a deficiency or reject).`
      : `The certificate${i.certificateNumber ? ` ${i.certificateNumber}` : ''} of file ${i.fileNumber} (${i.exporterName}) has waited ${i.waited} at ${i.office} for ${i.officerName ?? 'the approving officer'}'s digital signature.`;
  const file = `${i.ctx.portalUrl.replace(/\/+$/, '')}/v1/applications/${encodeURIComponent(i.applicationNumber)}`;
  const ask =
    i.step === 'escalation'
      ? 'The reminders sent to the office have not been acted on. As the agency\'s administrator, please see that the file is dealt with or reassigned.'
      : i.wait === 'review'
        ? `Please decide it in Slack or through the API: POST ${file}/decisions/approve (or …/decisions/deficiency, …/decisions/reject).`
        : `Please sign it: GET ${file}/certificate/signing gives the bytes to sign, POST ${file}/certificate/signature takes the signature.`;
  const facts: [string, string][] = [
    ['File number', i.fileNumber],
    ['Exporter', i.exporterName],
    ['Office', i.office],
    ['Waiting since', i.waitingSince.toISOString().replace('T', ' ').slice(0, 16) + ' UTC'],
    ...(i.officerName && i.wait === 'certificate-signature' ? ([['Awaited signature', i.officerName]] as [string, string][]) : []),
  ];
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.recipientName),
    text: [what, factsText(facts), ask].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${what}</p>${factsHtml(facts)}<p style="margin:0 0 12px">${ask}</p>`,
  });
  const subject =
    i.step === 'escalation'
      ? `Escalation: file ${i.fileNumber} overdue at ${i.office}`
      : i.wait === 'review'
        ? `Reminder ${i.reminderNumber}: file ${i.fileNumber} waits for your decision`
        : `Reminder ${i.reminderNumber}: certificate of file ${i.fileNumber} waits for your signature`;
  return { subject, text, html: body };
}
