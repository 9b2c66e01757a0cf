import { subjectTag } from '../reply-token.js';
import { replyRules } from './deficiency-raised.js';
import {
  factsHtml,
  factsText,
  formatDate,
  formatRupees,
  frame,
  greetingName,
  html,
  list,
  quoteHtml,
  quoteText,
  textList,
  capitalised,
  fileApi,
  fileWords,
  respondThroughApi,
  type MailContext,
  type RenderedMail,
  type RequestMention,
} from './layout.js';

export interface PaymentReminderInput {
  ctx: MailContext;
  exporterName: string;
  /** the draft number while unpaid, e.g. DRAFTCOOAPPLY00229268AM25 */
  applicationNumber: string;
  amountDue: number;
  /** the application is withdrawn if not paid by then */
  payBy: Date;
  /** 1 for the first reminder, 2 for the second… */
  reminderNumber: number;
}

/** Seed 001: unpaid applications wait in "Pending Payment" until paid. */
export function renderPaymentReminder(i: PaymentReminderInput): RenderedMail {
  const facts: [string, string][] = [
    ['Application', i.applicationNumber],
    ['Amount due', formatRupees(i.amountDue)],
    ['Pay by', formatDate(i.payBy)],
  ];
  const intro = `Your signed application ${i.applicationNumber} is waiting for payment. It is not sent to the issuing office until the fee is paid.`;
  const how = `To pay, POST ${fileApi(i.ctx, i.applicationNumber).pay} with {"method":"gateway"}: the answer gives the payment gateway's checkout address to open in your browser. Where the office keeps your e-wallet, {"method":"ewallet"} pays from it.`;
  const debited = `If the amount was already debited from your account but the application still shows Pending Payment, do not pay again: write to ${i.ctx.helpdeskAddress} with the bank transaction reference, date and amount.`;
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.exporterName),
    text: [intro, factsText(facts), how, debited].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p>${factsHtml(facts)}<p style="margin:0 0 12px">${how}</p><p style="margin:0 0 12px">${debited}</p>`,
  });
  return { subject: `Reminder${i.reminderNumber > 1 ? ` ${i.reminderNumber}` : ''}: payment pending for application ${i.applicationNumber}`, text, html: body };
}

export interface DeficiencyReminderInput {
  ctx: MailContext;
  exporterName: string;
  applicationNumber: string;
  round: number;
  officerRemarks: string;
  replyAddress: string;
  replyToken: string;
  respondBy: Date;
  reminderNumber: number;
  request?: RequestMention | undefined;
}

export function renderDeficiencyReminder(i: DeficiencyReminderInput): RenderedMail {
  const w = fileWords(i.request);
  const facts: [string, string][] = [
    ['File number', i.applicationNumber],
    [capitalised(w.query), `round ${i.round}`],
    ['Respond by', formatDate(i.respondBy)],
  ];
  const intro = `We have not yet received your response to the ${w.query} raised on ${w.named(i.applicationNumber)}. The officer's remarks were:`;
  const how = `Reply to this e-mail (it goes to ${i.replyAddress}), or respond ${respondThroughApi(i.ctx, i.applicationNumber, w)}.`;
  const rules = replyRules();
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.exporterName),
    text: [intro, quoteText(i.officerRemarks), factsText(facts), how, 'When replying by e-mail:', textList(rules)].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p>${quoteHtml(i.officerRemarks)}${factsHtml(facts)}<p style="margin:0 0 12px">${how}</p>
<p style="margin:0 0 4px"><strong>When replying by e-mail:</strong></p>${list(rules)}`,
  });
  return {
    subject: `Reminder${i.reminderNumber > 1 ? ` ${i.reminderNumber}` : ''}: respond to the ${w.query} on ${w.noun} ${i.applicationNumber} ${subjectTag(i.replyToken)}`,
    text,
    html: body,
  };
}
