/**
 * The answer to a message that could not be processed (too large, not readable as an e-mail, or with
 * damaged or hostile MIME: it is quarantined, i.e. kept as received in inbound_mail and used for
 * nothing), and the final record of every inbound message. The answer says what was wrong and what to
 * do, in the sender's thread, and goes only to a real sender: never to an automatic message
 * (auto-reply, bounce, list), so two robots cannot answer each other forever. A quarantined reply to a
 * deficiency e-mail, from an address registered for the application's IEC, is answered with the
 * deficiency's reply address, so replying to the answer reaches the same round.
 */
import { baseSubject, replyHeaders } from '../../channels/email/message-id.js';
import { formatMegabytes } from '../../channels/email/attachments.js';
import type { MimeDefect } from '../../channels/email/mime-check.js';
import { parseInboundMessage } from '../../channels/email/parse-message.js';
import { plusDetail, replyAddress, tokenFromSubject, verifyReplyToken } from '../../channels/email/reply-token.js';
import { frame, greetingName, html, list, textList, type RenderedMail } from '../../channels/email/templates/index.js';
import { ApplicationRow } from '../../db/entities/index.js';
import { InboundMail, type InboundMailOutcome } from '../../db/entities/mail-ingest.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { HelpdeskActivityDeps } from '../helpdesk/deps.js';
import { mimeProblems } from '../mail/examine-inbound-mail.js';
import { loadStoredMail, registeredAddresses, summariseHeaders, type HeaderSummary } from '../mail/stored-mail.js';

const RESEND_PLAIN =
  'Please send it again as an ordinary e-mail: write your message in the body, and attach at most 5 files of at most 5 MB each (PDF, JPG, XLS or XLSX) to a reply to a deficiency e-mail.';

interface DeficiencyContext {
  applicationNumber: string;
  round: number;
  token: string;
}

/** Kept beside the activity that sends it (STYLE.md 12). */
function renderUnreadable(i: {
  ctx: HelpdeskActivityDeps['mail']['context'];
  name: string;
  subject: string;
  problems: string[];
  fixes: string[];
  deficiency: DeficiencyContext | null;
}): RenderedMail {
  const about = i.deficiency ? ` (your reply about deficiency round ${i.deficiency.round} of application ${i.deficiency.applicationNumber})` : '';
  const intro = `Your e-mail "${i.subject || '(no subject)'}" to the CoO helpdesk${about} could not be processed:`;
  const keep = i.deficiency
    ? 'A copy of what arrived has been kept, so nothing is lost, but nothing in it was passed to the officer and no file was stored with your response.'
    : 'A copy of what arrived has been kept, so nothing is lost, but no ticket was opened and nothing was passed to an officer.';
  const todo = i.deficiency
    ? [...i.fixes, `Reply to this e-mail with your clarification and the files (at most 5 files of at most 5 MB each, PDF, JPG, XLS or XLSX): it goes to the same deficiency round.`]
    : i.fixes.length > 0
      ? i.fixes
      : [RESEND_PLAIN];
  const whatToDo = 'What to do:';
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.name || 'Sir/Madam'),
    text: [intro, textList(i.problems), keep, `${whatToDo}\n${textList(todo)}`].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p>${list(i.problems)}<p style="margin:0 0 12px">${keep}</p><p style="margin:0 0 4px"><strong>${whatToDo}</strong></p>${list(todo)}`,
  });
  const base = baseSubject(i.subject).trim();
  return { subject: base ? `Not processed: ${base}` : 'Your e-mail to the CoO helpdesk could not be processed', text, html: body };
}

export function createUnreadableMailService(deps: HelpdeskActivityDeps) {
  /** A verified reply token of a deficiency, from an address registered for the application's IEC. */
  async function deficiencyOf(h: HeaderSummary, em: ReturnType<HelpdeskActivityDeps['em']>): Promise<DeficiencyContext | null> {
    const token = h.recipients.map((a) => plusDetail(a, deps.mail.replyMailbox)).find((t) => t !== null) ?? tokenFromSubject(h.subject);
    if (!token || !h.from) return null;
    const check = verifyReplyToken(token, deps.mail.replySecret);
    if (!check.ok) return null;
    const app = await em.findOne(ApplicationRow, { number: check.applicationNumber });
    if (!app || !(await registeredAddresses(em, app.iec)).has(h.from.address)) return null;
    return { applicationNumber: app.fileNumber ?? app.number, round: check.round, token };
  }

  return {
    /** Tells the sender why their message was not processed and what to do; returns whether a mail went out. */
    async answerUnreadableMail(input: { mailId: string; reason: 'too-large' | 'malformed'; detail: string }): Promise<boolean> {
      const em = deps.em();
      const stored = await loadStoredMail(em, input.mailId);
      const h = await summariseHeaders(stored.raw);
      const to = h.replyTo ?? h.from?.address;
      if (!to || h.automatic) return false;
      if (to.toLowerCase() === deps.mail.replyMailbox.toLowerCase()) return false;
      let problems = [input.detail];
      let fixes: string[] = [];
      if (input.reason === 'too-large') {
        problems = [`It is ${formatMegabytes(stored.row.sizeBytes)}, more than the ${formatMegabytes(deps.helpdesk.maxMessageBytes)} the helpdesk accepts in one e-mail.`];
      } else {
        // the defects found in the stored bytes, each with what to do about it (the same check as the routing's)
        const defects = await parseInboundMessage(stored.raw, { mailbox: deps.mail.replyMailbox, maxBytes: Number.MAX_SAFE_INTEGER }).then(
          (): MimeDefect[] => [],
          (e: unknown) => (e instanceof AppError && e.code === ErrorCode.MailMalformed ? mimeProblems(e) : []),
        );
        if (defects.length > 0) {
          problems = defects.map((d) => d.problem);
          fixes = [...new Set(defects.map((d) => d.fix))];
        }
      }
      const deficiency = await deficiencyOf(h, em);
      const m = renderUnreadable({ ctx: deps.mail.context, name: h.from?.name ?? '', subject: h.subject, problems, fixes, deficiency });
      const threading = h.messageId ? replyHeaders({ messageId: h.messageId, references: h.references }) : null;
      await deps.notifier.send({
        key: `mail/${input.mailId}/unreadable`,
        channel: 'email',
        to,
        template: `inbound-${input.reason}`,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: `<inbound-${input.mailId}-not-processed@${deps.mail.domain}>`,
        replyTo: deficiency ? replyAddress(deps.mail.replyMailbox, deficiency.token) : deps.mail.replyMailbox,
        ...(threading ? { inReplyTo: threading.inReplyTo, references: threading.references } : {}),
      });
      return true;
    },

    /** The outcome of an inbound message, recorded once it is final (the ingester flags the mailbox copy from it). */
    async completeInboundMail(input: { mailId: string; outcome: InboundMailOutcome; details: Record<string, unknown> }): Promise<void> {
      const em = deps.em();
      await em.nativeUpdate(InboundMail, { id: input.mailId }, { status: 'done', outcome: input.outcome, outcomeDetails: input.details, processedAt: new Date() });
    },
  };
}
