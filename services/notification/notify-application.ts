import { listAttestedDocuments } from '../certificate/attested-documents.js';
import { ApplicationRow, CertificateRow, IecRecord, StaffUserRow } from '../../db/entities/index.js';
import type { IecRecord as IecMasterRecord } from '../../domain/reference/types.js';
import { applicationMessageId } from '../../channels/email/message-id.js';
import { createReplyToken, replyAddress } from '../../channels/email/reply-token.js';
import {
  frame,
  html,
  renderApproval,
  renderDeficiencyRaised,
  renderDeficiencyReminder,
  renderPaymentReminder,
  renderRejection,
  renderSubmissionReceived,
  type MailContext,
  type RenderedMail,
} from '../../channels/email/templates/index.js';
import type { ApplicationServiceDeps } from '../application/deps.js';
import { verificationUrl } from '../certificate/qr-payload.js';
import type { OutgoingMessage } from '../notification/notifier.js';

export interface MailSettings {
  context: MailContext;
  /** domain of Message-IDs */
  domain: string;
  /** the helpdesk mailbox whose plus-addresses receive deficiency replies */
  replyMailbox: string;
  replySecret: string;
}

export type ApplicationEvent =
  | { kind: 'submitted'; amountPaidPaise: number }
  | { kind: 'payment-reminder'; reminderNumber: number; amountDuePaise: number; payBy: string }
  | { kind: 'deficiency-raised'; round: number; remarks: string; respondBy: string }
  | { kind: 'deficiency-reminder'; round: number; remarks: string; respondBy: string; reminderNumber: number }
  | { kind: 'response-received'; round: number; responseKind: 'edit' | 'clarification' }
  | { kind: 'approved' }
  | { kind: 'rejected'; reason: string }
  | { kind: 'expired'; reason: string }
  /** approved, but the certificate waits for the office's stamp or the officer's signature image: the agency's administrators are told */
  | { kind: 'issuance-held'; reason: string };

/**
 * Composes and sends the e-mails (and SMS) of an application event, through the outbox, from the
 * templates in channels/email/templates. Exporters are reached at the e-mail and mobile of their IEC
 * master record (seed 001: contact details come from the IEC); officers at their own addresses.
 */
export function createApplicationNotificationService(deps: ApplicationServiceDeps & { mail: MailSettings }) {
  return {
    async notifyApplicationEvent(input: { applicationId: string; key: string; event: ApplicationEvent }): Promise<number> {
      const em = deps.em();
      const app = await em.findOneOrFail(ApplicationRow, { id: input.applicationId });
      const iec = (await em.findOneOrFail(IecRecord, { iec: app.iec })).data as unknown as IecMasterRecord;
      const reference = await deps.reference({ office: app.officeCode, agency: app.agencyCode });
      const office = reference.office(app.officeCode ?? '');
      const agency = reference.agency(app.agencyCode ?? '');
      const agreement = reference.agreement(app.agreementCode ?? '');
      const ctx = deps.mail.context;
      const exporterName = iec.firmName;
      const number = app.fileNumber ?? app.number;
      // a request for a duplicate / in-lieu certificate: its mails name it so, and call the officer's query a discrepancy
      const request = app.kind !== 'application' && app.originalCertificateNumber ? { kind: app.kind, originalCertificateNumber: app.originalCertificateNumber } : undefined;
      const ev = input.event;
      const messages: Omit<OutgoingMessage, 'key'>[] = [];
      const toExporter = (m: RenderedMail, event: string, round: number, extra: Partial<OutgoingMessage> = {}) => {
        messages.push({
          channel: 'email',
          to: iec.email,
          template: event,
          subject: m.subject,
          text: m.text,
          html: m.html,
          applicationId: app.id,
          messageId: applicationMessageId({ applicationNumber: app.number, event, round, domain: deps.mail.domain }),
          ...(m.attachments ? { attachments: m.attachments } : {}),
          ...extra,
        });
      };
      const sms = (text: string, template: string) =>
        messages.push({ channel: 'sms', to: iec.mobile, template, text, applicationId: app.id });

      switch (ev.kind) {
        case 'submitted': {
          toExporter(
            renderSubmissionReceived({
              ctx,
              exporterName,
              applicationNumber: number,
              agreement: agreement?.title ?? app.agreementCode ?? '',
              agency: agency?.name ?? app.agencyCode ?? '',
              office: office?.name ?? app.officeCode ?? '',
              invoiceNumber: app.invoiceNumber ?? '',
              submittedAt: app.submittedAt ?? new Date(),
              amountPaid: ev.amountPaidPaise / 100,
              request,
            }),
            'submission',
            0,
          );
          sms(`CoO application ${number} submitted to ${office?.name ?? app.officeCode}. Status: In-Process.`, 'submission');
          const waiting = request
            ? `A new request for ${request.kind === 'duplicate' ? 'a duplicate' : 'a certificate in lieu'} of certificate ${request.originalCertificateNumber}`
            : 'A new application for a Certificate of Origin';
          for (const officer of reference.officersOfOffice(app.officeCode ?? '')) {
            const body = frame(ctx, {
              greeting: officer.name,
              text: `${waiting} is waiting for your review.\n\nFile: ${number}\nExporter: ${exporterName} (IEC ${app.iec})\nAgreement: ${agreement?.title ?? ''}\nInvoice: ${app.invoiceNumber ?? ''}`,
              html: html`<p>${waiting} is waiting for your review.</p><p>File: <b>${number}</b><br>Exporter: ${exporterName} (IEC ${app.iec})<br>Agreement: ${agreement?.title ?? ''}<br>Invoice: ${app.invoiceNumber ?? ''}</p>`,
            });
            messages.push({ channel: 'email', to: officer.email, template: 'officer-new-file', subject: `New file ${number} from ${exporterName}`, text: body.text, html: body.html, applicationId: app.id });
          }
          break;
        }
        case 'payment-reminder':
          toExporter(
            renderPaymentReminder({ ctx, exporterName, applicationNumber: app.number, amountDue: ev.amountDuePaise / 100, payBy: new Date(ev.payBy), reminderNumber: ev.reminderNumber }),
            'reminder-payment',
            ev.reminderNumber,
          );
          break;
        case 'deficiency-raised':
        case 'deficiency-reminder': {
          const token = createReplyToken({ applicationNumber: app.number, round: ev.round }, deps.mail.replySecret);
          const address = replyAddress(deps.mail.replyMailbox, token);
          const common = { ctx, exporterName, applicationNumber: number, round: ev.round, officerRemarks: ev.remarks, replyAddress: address, replyToken: token, respondBy: new Date(ev.respondBy), request };
          if (ev.kind === 'deficiency-raised') {
            toExporter(renderDeficiencyRaised({ ...common, office: office?.name ?? '' }), 'deficiency', ev.round, { replyTo: address });
            sms(`CoO file ${number}: the officer raised a deficiency. Check your e-mail and respond by ${ev.respondBy.slice(0, 10)}.`, 'deficiency');
          } else {
            toExporter(renderDeficiencyReminder({ ...common, reminderNumber: ev.reminderNumber }), 'reminder-deficiency', ev.round * 100 + ev.reminderNumber, { replyTo: address });
          }
          break;
        }
        case 'response-received':
          for (const officer of reference.officersOfOffice(app.officeCode ?? '')) {
            const what = ev.responseKind === 'edit' ? 'edited the application and signed it again' : 'sent a signed clarification';
            const body = frame(ctx, {
              greeting: officer.name,
              text: `The exporter ${what} in answer to deficiency ${ev.round} on file ${number}. The file is back In-Process.`,
              html: html`<p>The exporter ${what} in answer to deficiency ${String(ev.round)} on file <b>${number}</b>. The file is back In-Process.</p>`,
            });
            messages.push({ channel: 'email', to: officer.email, template: 'officer-response', subject: `File ${number}: deficiency ${ev.round} answered`, text: body.text, html: body.html, applicationId: app.id });
          }
          break;
        case 'approved': {
          const cert = await em.findOne(CertificateRow, { applicationId: app.id }, { populate: ['pdf'] });
          if (cert?.pdf) {
            toExporter(
              renderApproval({
                ctx,
                exporterName,
                applicationNumber: number,
                certificateNumber: cert.number,
                agreement: agreement?.title ?? '',
                office: office?.name ?? '',
                issuedAt: cert.issuedAt,
                verifyUrl: verificationUrl(deps.publicBaseUrl, cert.number, cert.verificationToken),
                certificatePdf: Buffer.from(cert.pdf),
                certificateUrl: `${deps.publicBaseUrl.replace(/\/+$/, '')}/v1/certificates/${encodeURIComponent(cert.number)}/pdf`,
                attested: (await listAttestedDocuments(em, cert.number)).map((d) => ({
                  fileName: d.fileName,
                  ...(d.pdf ? { url: `${deps.publicBaseUrl.replace(/\/+$/, '')}${d.pdf.path}` } : { declinedRemark: d.remark ?? 'declined' }),
                })),
              }),
              'approval',
              0,
            );
          } else if (cert) {
            const body = frame(ctx, {
              greeting: exporterName,
              text: `Your application ${number} is approved. Certificate ${cert.number} has been issued.`,
              html: html`<p>Your application <b>${number}</b> is approved. Certificate <b>${cert.number}</b> has been issued.</p>`,
            });
            toExporter({ subject: `Certificate ${cert.number} issued for ${number}`, text: body.text, html: body.html }, 'approval', 0);
          }
          sms(`CoO file ${number} approved${cert ? `: certificate ${cert.number}` : ''}.`, 'approval');
          break;
        }
        case 'rejected':
          toExporter(renderRejection({ ctx, exporterName, applicationNumber: number, office: office?.name ?? '', reason: ev.reason, request }), 'rejection', 0);
          sms(`CoO file ${number} was rejected. Reason sent by e-mail.`, 'rejection');
          break;
        case 'issuance-held': {
          const admins = await em.find(StaffUserRow, { role: 'agency-admin', agencyCode: app.agencyCode ?? '', active: true }, { orderBy: { id: 'asc' } });
          for (const admin of admins) {
            const body = frame(ctx, {
              greeting: admin.name,
              text: `File ${number} at ${office?.name ?? app.officeCode} is approved, but its certificate cannot be issued yet: ${ev.reason}\n\nUpload the missing image; the certificate is issued as soon as it is there.`,
              html: html`<p>File <b>${number}</b> at ${office?.name ?? app.officeCode ?? ''} is approved, but its certificate cannot be issued yet: ${ev.reason}</p><p>Upload the missing image; the certificate is issued as soon as it is there.</p>`,
            });
            messages.push({ channel: 'email', to: admin.email, template: 'issuance-held', subject: `Certificate of file ${number} held: an image is missing`, text: body.text, html: body.html, applicationId: app.id });
          }
          break;
        }
        case 'expired': {
          const body = frame(ctx, {
            greeting: exporterName,
            text: `Application ${app.number} has expired: ${ev.reason}. Nothing was charged. You can start a new application with the same details.`,
            html: html`<p>Application <b>${app.number}</b> has expired: ${ev.reason}. Nothing was charged. You can start a new application with the same details.</p>`,
          });
          toExporter({ subject: `Application ${app.number} expired`, text: body.text, html: body.html }, 'expiry', 0);
          break;
        }
      }
      let sent = 0;
      for (const [i, m] of messages.entries()) {
        const r = await deps.notifier.send({ ...m, key: `${input.key}/${i}/${m.channel}/${m.to}` });
        if (r.sent) sent++;
      }
      return sent;
    },
  };
}
