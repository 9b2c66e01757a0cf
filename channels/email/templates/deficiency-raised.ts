import { ATTACHMENT_RULES } from '../attachments.js';
import { subjectTag } from '../reply-token.js';
import {
  factsHtml,
  factsText,
  formatDate,
  frame,
  greetingName,
  html,
  list,
  quoteHtml,
  quoteText,
  textList,
  capitalised,
  fileWords,
  respondThroughApi,
  type MailContext,
  type RenderedMail,
  type RequestMention,
} from './layout.js';

export interface DeficiencyRaisedInput {
  ctx: MailContext;
  exporterName: string;
  applicationNumber: string;
  /** 1 for the first deficiency on the file, 2 for the next… */
  round: number;
  office: string;
  officerRemarks: string;
  /** helpdesk+<token>@domain: replies to it are bound to this application and round */
  replyAddress: string;
  replyToken: string;
  respondBy?: Date;
  /** a request for a duplicate / in-lieu certificate: named as such, its query a discrepancy */
  request?: RequestMention | undefined;
}

/** The reply rules, shared by the deficiency mail and its reminder. */
export function replyRules(): string[] {
  const mb = ATTACHMENT_RULES.maxBytesPerFile / (1024 * 1024);
  return [
    'Reply to this e-mail from your registered e-mail address, keeping the reply address and the [Ref: …] in the subject unchanged.',
    'Write your clarification at the top of the reply. The earlier messages below it are ignored.',
    `Attach at most ${ATTACHMENT_RULES.maxFiles} files of at most ${mb} MB each, PDF, JPG, XLS or XLSX only.`,
    'Sign the reply with your registered Digital Signature Certificate (S/MIME). An unsigned reply is kept, and you will be sent instructions to sign the response through the API before it goes to the officer.',
  ];
}

/** Seed 004: "Deficient: officer raised a query, response to be submitted by the firm" (the "No" path by e-mail). */
export function renderDeficiencyRaised(i: DeficiencyRaisedInput): RenderedMail {
  const w = fileWords(i.request);
  const facts: [string, string][] = [
    ['File number', i.applicationNumber],
    ['Office', i.office],
    [capitalised(w.query), `round ${i.round}`],
    ...(i.respondBy ? ([['Respond by', formatDate(i.respondBy)]] as [string, string][]) : []),
  ];
  const intro = `The officer at ${i.office} has raised a ${w.query} on your ${w.named(i.applicationNumber)}. Its status is now Deficient. The officer's remarks:`;
  const how = 'You can respond in either of two ways:';
  const portal = `To edit the ${w.noun} ("Yes") or to answer without changing it ("No"), ${respondThroughApi(i.ctx, i.applicationNumber, w)}.`;
  const byMail = `By e-mail, to answer without changing the ${w.noun}: reply to this message (it goes to ${i.replyAddress}).`;
  const rules = replyRules();
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.exporterName),
    text: [
      intro,
      quoteText(i.officerRemarks),
      factsText(facts),
      how,
      `  1. ${portal}`,
      `  2. ${byMail}`,
      'When replying by e-mail:',
      textList(rules),
    ].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p>${quoteHtml(i.officerRemarks)}${factsHtml(facts)}
<p style="margin:0 0 12px">${how}</p><ol style="margin:0 0 12px;padding-left:20px"><li>${portal}</li><li>${byMail}</li></ol>
<p style="margin:0 0 4px"><strong>When replying by e-mail:</strong></p>${list(rules)}`,
  });
  return {
    subject: `${capitalised(w.query)} raised on ${w.noun} ${i.applicationNumber} (round ${i.round}) ${subjectTag(i.replyToken)}`,
    text,
    html: body,
  };
}
