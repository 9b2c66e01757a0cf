import { ATTACHMENT_RULES } from '../attachments.js';
import { fileApi, frame, greetingName, html, list, textList, type MailContext, type RenderedMail } from './layout.js';

interface ReplyOutcomeBase {
  ctx: MailContext;
  exporterName: string;
  applicationNumber: string;
  round: number;
  /** subject of the deficiency e-mail being answered (the answer threads under it) */
  deficiencySubject: string;
}

function reSubject(subject: string): string {
  return /^re\s*:/i.test(subject.trim()) ? subject.trim() : `Re: ${subject.trim()}`;
}

export interface ReplyProblemsInput extends ReplyOutcomeBase {
  /** from checkAttachments and the other reply checks, one sentence each */
  problems: string[];
  /** the files that were kept */
  accepted: string[];
}

/** A reply broke a rule: what was kept, what was not, and what to send again. Nothing is thrown away. */
export function renderReplyProblems(i: ReplyProblemsInput): RenderedMail {
  const mb = ATTACHMENT_RULES.maxBytesPerFile / (1024 * 1024);
  const intro = `We received your reply about the deficiency on application ${i.applicationNumber}, but it could not be passed to the officer as it is:`;
  const kept = i.accepted.length > 0 ? `These files were received and kept: ${i.accepted.join(', ')}.` : '';
  const fix = `Please reply to this e-mail again with the missing or corrected files (at most ${ATTACHMENT_RULES.maxFiles} files of at most ${mb} MB each, PDF, JPG, XLS or XLSX only). Your reply has been kept and nothing you sent is lost.`;
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.exporterName),
    text: [intro, textList(i.problems), kept, fix].filter((p) => p !== '').join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p>${list(i.problems)}${kept ? html`<p style="margin:0 0 12px">${kept}</p>` : ''}<p style="margin:0 0 12px">${fix}</p>`,
  });
  return { subject: reSubject(i.deficiencySubject), text, html: body };
}

export interface SignatureNeededInput extends ReplyOutcomeBase {
  /** where the stored response can be signed */
  signUrl: string;
  /** why the S/MIME signature was not accepted, when there was one */
  signatureProblem?: string;
}

/** Seed 004 asks for the deficiency response to be signed: an unsigned reply waits for a signature. */
export function renderSignatureNeeded(i: SignatureNeededInput): RenderedMail {
  const intro = `We received your reply about the deficiency on application ${i.applicationNumber} and kept it. Before it goes to the officer it must be signed with your registered Digital Signature Certificate (or Aadhaar e-sign).`;
  const why = i.signatureProblem ? `The signature on your e-mail could not be accepted: ${i.signatureProblem}` : 'Your e-mail was not signed.';
  const how = 'Sign the response you sent (kept as it is, with its attachments) through the API, as the steps below show. The signature goes to:';
  const alt = 'Alternatively, send the reply again signed with S/MIME using the DSC registered for your IEC.';
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.exporterName),
    text: [intro, why, `${how}\n  POST ${i.signUrl}`, alt].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p><p style="margin:0 0 12px">${why}</p><p style="margin:0 0 12px">${how} POST ${i.signUrl}</p><p style="margin:0 0 12px">${alt}</p>`,
  });
  return { subject: reSubject(i.deficiencySubject), text, html: body };
}

export interface ReplyAcceptedInput extends ReplyOutcomeBase {
  attachments: string[];
}

export function renderReplyAccepted(i: ReplyAcceptedInput): RenderedMail {
  const intro = `Your signed response to the deficiency on application ${i.applicationNumber} (round ${i.round}) has been passed to the officer. The status of the file is In-Process again.`;
  const files = i.attachments.length > 0 ? `Attached documents received: ${i.attachments.join(', ')}.` : 'No documents were attached.';
  const state = `The file's status through the API: GET ${fileApi(i.ctx, i.applicationNumber).state}`;
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.exporterName),
    text: [intro, files, state].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p><p style="margin:0 0 12px">${files}</p><p style="margin:0 0 12px">${state}</p>`,
  });
  return { subject: reSubject(i.deficiencySubject), text, html: body };
}
