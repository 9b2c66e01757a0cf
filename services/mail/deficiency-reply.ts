/**
 * A reply to a deficiency e-mail, from an address registered for the application's IEC, becomes the
 * exporter's "No" response (seed 004): the clarification (quoted history and signature stripped) and
 * the files, stored as the round's deficiency-response attachments and handed to the application
 * workflow (prepareDeficiencyResponse). Then:
 *
 * - signed with S/MIME by the exporter user's registered DSC: offered to the workflow as the signature
 *   (signUpdate, method 'smime'); the exporter is told it went to the officer;
 * - unsigned (or a signature that cannot be accepted): kept, and the exporter is sent the payload and how
 *   to sign it through the API;
 * - breaking a rule (files, empty, too long, the round no longer open): the exporter is told what to fix.
 *
 * Every step is idempotent for one inbound mail (deterministic attachment ids, Update ids and outbox
 * keys from the mail id), so the activity can be retried at any point.
 */
import { fileWorkflowOf } from '../../workflows/certificate-request/contract.js';
import { findApplicationFailure } from '../../lib/workflow-failure.js';
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationRow, IecRecord } from '../../db/entities/index.js';
import { applicationMessageId, baseSubject, replyHeaders } from '../../channels/email/message-id.js';
import { createReplyToken, replyAddress, subjectTag } from '../../channels/email/reply-token.js';
import { renderReplyAccepted, renderReplyProblems, renderSignatureNeeded, html as safeHtml, type RenderedMail } from '../../channels/email/templates/index.js';
import { AppError } from '../../lib/errors.js';
import {
  prepareDeficiencyResponseUpdate,
  signUpdate,
  stateQuery,
  type SignatureInput,
  type SigningPayload,
} from '../../workflows/application/contract.js';
import type { HelpdeskActivityDeps } from '../helpdesk/deps.js';
import { verifySmimeSigner } from '../mail/accept-smime.js';
import { parseStoredMail } from '../mail/examine-inbound-mail.js';
import { responseContent } from '../mail/response-content.js';
import { loadStoredMail } from '../mail/stored-mail.js';

export interface DeficiencyReplyInput {
  mailId: string;
  applicationNumber: string;
  round: number;
  senderUserId: string | null;
  senderName: string;
}

export type DeficiencyReplyOutcome = 'deficiency-response' | 'deficiency-signed' | 'deficiency-problems' | 'deficiency-refused';

export interface DeficiencyReplyResult {
  outcome: DeficiencyReplyOutcome;
  problems?: string[];
  attachmentIds?: string[];
  sha256?: string;
  signedBy?: string;
  signatureProblem?: string;
}

const MAX_CLARIFICATION = 8000;

/** A UUID derived from the mail and the file's position: the same file of the same mail is stored once. */
function attachmentId(mailId: string, index: number): string {
  const h = createHash('sha256').update(`deficiency-reply/${mailId}/${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Puts a section before the sign-off of a rendered mail (text and HTML). */
function withSection(m: RenderedMail, text: string, htmlSection: string): RenderedMail {
  const t = m.text.includes('\n\nRegards,') ? m.text.replace('\n\nRegards,', `\n\n${text}\n\nRegards,`) : `${m.text}\n${text}\n`;
  const marker = '<p style="margin:16px 0 0">Regards,';
  const h = m.html.includes(marker) ? m.html.replace(marker, `${htmlSection}${marker}`) : m.html;
  return { ...m, text: t, html: h };
}

export function createDeficiencyReplyService(deps: HelpdeskActivityDeps) {
  return {
    async handleDeficiencyReply(input: DeficiencyReplyInput): Promise<DeficiencyReplyResult> {
      const em = deps.em();
      const stored = await loadStoredMail(em, input.mailId);
      const mail = await parseStoredMail(deps, stored);
      const app = await em.findOneOrFail(ApplicationRow, { number: input.applicationNumber });
      const iec = await em.findOne(IecRecord, { iec: app.iec });
      const exporterName = iec?.firmName ?? input.senderName;
      const fileNumber = app.fileNumber ?? app.number;
      const token = createReplyToken({ applicationNumber: app.number, round: input.round }, deps.mail.replySecret);
      const base = baseSubject(mail.subject).trim() || `Deficiency raised on application ${fileNumber} (round ${input.round})`;
      const deficiencySubject = base.toLowerCase().includes('[ref:') ? base : `${base} ${subjectTag(token)}`;
      const common = { ctx: deps.mail.context, exporterName, applicationNumber: fileNumber, round: input.round, deficiencySubject };
      const to = mail.replyTo[0]?.address ?? mail.from!.address;

      const send = async (kind: 'problems' | 'sign' | 'accepted', m: RenderedMail, attachments?: { filename: string; content: Buffer; contentType: string }[]) => {
        const threading = mail.messageId ? replyHeaders({ messageId: mail.messageId, references: mail.references }) : null;
        await deps.notifier.send({
          key: `mail/${input.mailId}/deficiency-${kind}`,
          channel: 'email',
          to,
          template: `deficiency-reply-${kind}`,
          subject: m.subject,
          text: m.text,
          html: m.html,
          applicationId: app.id,
          messageId: applicationMessageId({ applicationNumber: app.number, event: `reply-${kind}-${input.mailId.slice(0, 8)}`, round: input.round, domain: deps.mail.domain }),
          replyTo: replyAddress(deps.mail.replyMailbox, token),
          ...(threading ? { inReplyTo: threading.inReplyTo, references: threading.references } : {}),
          ...(attachments ? { attachments } : {}),
        });
      };
      const refuse = async (outcome: 'deficiency-problems' | 'deficiency-refused', problems: string[], accepted: string[]): Promise<DeficiencyReplyResult> => {
        await send('problems', renderReplyProblems({ ...common, problems, accepted }));
        return { outcome, problems };
      };

      // 1. The round must still be open.
      const handle = deps.helpdesk.temporal().workflow.getHandle(fileWorkflowOf(app).workflowId);
      let state;
      try {
        state = await handle.query(stateQuery);
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) return refuse('deficiency-refused', [`Application ${fileNumber} has no deficiency open for a response.`], []);
        throw e;
      }
      if (state.status !== 'Deficient' || state.deficiencies.length !== input.round) {
        const why =
          state.status !== 'Deficient'
            ? `Application ${fileNumber} is ${state.status}: there is no deficiency waiting for a response.`
            : `This reply answers deficiency round ${input.round}, but the officer has since raised round ${state.deficiencies.length}: reply to the latest deficiency e-mail.`;
        return refuse('deficiency-refused', [why], []);
      }

      // 2. The rules of a "No" response: text or files, the file rules, a sensible length.
      const content = await responseContent(mail);
      const problems = [...content.files.problems];
      if (content.clarification === '' && content.files.accepted.length === 0) {
        problems.push('The reply has no clarification text and no attached file: write the clarification at the top of the reply, or attach the documents asked for.');
      }
      if (content.clarification.length > MAX_CLARIFICATION) {
        problems.push(`The clarification is ${content.clarification.length} characters long; at most ${MAX_CLARIFICATION} are accepted.`);
      }
      if (problems.length > 0) return refuse('deficiency-problems', problems, content.files.accepted.map((a) => a.filename));

      // 3. The files, stored once for this mail as the round's deficiency-response attachments.
      const uploadedBy = (input.senderUserId ?? `email:${mail.from!.address}`).slice(0, 60);
      const attachmentIds: string[] = [];
      for (const [i, f] of content.files.accepted.entries()) {
        const id = attachmentId(input.mailId, i);
        attachmentIds.push(id);
        await em.getConnection().execute(
          // not submitted until a signed response carries it (services/application/signed-version.ts)
          `insert into attachment (id, application_id, purpose, round, document_type, file_name, content_type, size_bytes, sha256, content, uploaded_by, submitted, created_at)
           values (?, ?, 'deficiency-response', ?, 'other', ?, ?, ?, ?, ?, ?, false, now()) on conflict (id) do nothing`,
          [id, app.id, input.round, f.filename.slice(0, 160), f.type, f.size, f.sha256, f.content, uploadedBy],
        );
      }

      // 4. The response, handed to the application workflow (its own rules apply again).
      let payload: SigningPayload;
      try {
        payload = await handle.executeUpdate(prepareDeficiencyResponseUpdate, {
          args: [
            {
              kind: 'clarification',
              clarification: content.clarification,
              attachmentIds,
              actor: { id: input.senderUserId ?? `email:${mail.from!.address}`.slice(0, 60), name: mail.from!.name || input.senderName, channel: 'email' },
            },
          ],
          updateId: `mail:${input.mailId}:prepare`,
        });
      } catch (e) {
        const f = findApplicationFailure(e);
        if (e instanceof WorkflowUpdateFailedError && f) {
          if (/already being prepared or verified/i.test(f.message)) throw e; // another response in flight: retry shortly
          return refuse('deficiency-refused', [f.message], content.files.accepted.map((a) => a.filename));
        }
        throw e;
      }
      const fileNames = content.files.accepted.map((a) => a.filename);

      // 5. Signed with S/MIME by the exporter's registered DSC: offered to the workflow as the signature.
      let signatureProblem: string | undefined;
      if (mail.smime.kind !== null) {
        if (mail.smime.verification && !mail.smime.verification.ok) signatureProblem = mail.smime.verification.message;
        else {
          let signer: Awaited<ReturnType<typeof verifySmimeSigner>> | null = null;
          try {
            signer = await verifySmimeSigner(em, await deps.identity(), { raw: stored.raw, iec: app.iec });
          } catch (e) {
            if (!(e instanceof AppError)) throw e;
            signatureProblem = e.message;
          }
          if (signer) {
            try {
              const sig: SignatureInput = { signerId: signer.signerId, method: 'smime', signatureB64: `smime:${input.mailId}`, smime: { mailId: input.mailId }, channel: 'email' };
              const r = await handle.executeUpdate(signUpdate, { args: [sig], updateId: `mail:${input.mailId}:sign` });
              await send('accepted', renderReplyAccepted({ ...common, attachments: fileNames }));
              return { outcome: 'deficiency-signed', attachmentIds, sha256: r.sha256, signedBy: signer.signerId };
            } catch (e) {
              const f = findApplicationFailure(e);
              if (!f) throw e;
              signatureProblem = `the e-mail is validly signed by ${signer.signerName}, but the signature could not be recorded for this response (${f.message}).`;
            }
          }
        }
      }

      // 6. Unsigned: kept; the exporter signs it through the API.
      const api = deps.publicBaseUrl;
      const steps = [
        `1. See what to sign: GET ${api}/v1/applications/${app.number}/workflow (the "signing" field; the same bytes are attached to this e-mail as ${payloadFileName(app.number, input.round)}).`,
        `2. Sign those bytes with your registered DSC (detached CMS), e.g. npx tsx scripts/sign.ts --p12 <your token.p12> --in ${payloadFileName(app.number, input.round)}.`,
        `3. POST ${api}/v1/applications/${app.number}/signature with {"signatureB64": "<the signature>"}. Or sign by Aadhaar eSign instead of steps 2 and 3: POST ${api}/v1/applications/${app.number}/esign with {"aadhaarId": "<your Aadhaar number>"}, then POST ${api}/v1/applications/${app.number}/signature with {"method": "esign", "otp": "<the OTP sent to your mobile>"}.`,
        `The response you sent has SHA-256 ${payload.sha256}.`,
      ];
      const rendered = withSection(
        renderSignatureNeeded({ ...common, signUrl: `${api}/v1/applications/${app.number}/signature`, ...(signatureProblem ? { signatureProblem } : {}) }),
        ['To sign through the API:', ...steps.map((s) => `  ${s}`)].join('\n'),
        safeHtml`<p style="margin:0 0 4px"><strong>To sign through the API:</strong></p><ol style="margin:0 0 12px;padding-left:20px">${steps.slice(0, 3).map((s) => safeHtml`<li>${s.replace(/^\d\. /, '')}</li>`)}</ol><p style="margin:0 0 12px">${steps[3] ?? ''}</p>`.value,
      );
      await send('sign', rendered, [{ filename: payloadFileName(app.number, input.round), content: Buffer.from(payload.contentB64, 'base64'), contentType: 'application/json' }]);
      return { outcome: 'deficiency-response', attachmentIds, sha256: payload.sha256, ...(signatureProblem ? { signatureProblem } : {}) };
    },
  };
}

function payloadFileName(applicationNumber: string, round: number): string {
  return `deficiency-response-${applicationNumber.replace(/[^A-Za-z0-9]/g, '')}-round-${round}.json`;
}
