import { ApplicationRow, CertificateRow, IecRecord, StaffUserRow } from '../../db/entities/index.js';
import { SlackUserLink } from '../../db/entities/slack.js';
import { renderOfficerDeadline } from '../../channels/email/templates/index.js';
import type { OfficerWait } from '../../channels/slack/blocks/reminders.js';
import type { EscalationTarget } from '../../channels/slack/notifier.js';
import { formatAge } from '../../channels/slack/blocks/format.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { OfficerDeadline } from '../../workflows/application/contract.js';
import type { ApplicationServiceDeps } from '../application/deps.js';
import type { SlackActivityDeps } from '../slack/deps.js';
import type { MailSettings } from './notify-application.js';

interface Person {
  id: string;
  name: string;
  email: string;
}

export interface OfficerDeadlineOutcome {
  emailed: string[];
  slack: string[];
  /** who could not be reached, and why (no administrator, not in the Slack workspace) */
  problems: string[];
}

/**
 * The notices of a wait on an officer that has passed a deadline (workflows/application: waitOnOfficer).
 * A reminder goes to the officers of the file's office (the review) or to the approving officer (the
 * certificate signature); the escalation to the active administrators of the agency. By e-mail always;
 * in Slack too when it is configured: the reminder in the file's thread, the escalation as a direct
 * message. Each notice is sent once per key, whatever the retries (the outbox).
 */
export function createOfficerDeadlineService(deps: ApplicationServiceDeps & { mail: MailSettings; slack?: SlackActivityDeps | undefined }) {
  return {
    async notifyOfficerDeadline(d: OfficerDeadline): Promise<OfficerDeadlineOutcome> {
      const em = deps.em();
      const app = await em.findOneOrFail(ApplicationRow, { id: d.applicationId });
      const firm = await em.findOne(IecRecord, { iec: app.iec });
      const exporterName = (firm?.firmName as string | undefined) ?? app.iec;
      const reference = await deps.reference({ office: app.officeCode, agency: app.agencyCode });
      const office = reference.office(app.officeCode ?? '')?.name ?? app.officeCode ?? '';
      const fileNumber = app.fileNumber ?? app.number;
      const since = new Date(d.waitingSince);
      const waitedMs = Math.max(0, Date.now() - since.getTime());
      const certificate = d.wait === 'certificate-signature' ? await em.findOne(CertificateRow, { applicationId: app.id }, { fields: ['number'] }) : null;

      const recipients: Person[] =
        d.step === 'escalation'
          ? (await em.find(StaffUserRow, { role: 'agency-admin', agencyCode: app.agencyCode ?? '', active: true }, { orderBy: { id: 'asc' } })).map((u) => ({ id: u.id, name: u.name, email: u.email }))
          : d.wait === 'review'
            ? (await em.find(StaffUserRow, { role: 'officer', officeCode: app.officeCode ?? '', active: true }, { orderBy: { id: 'asc' } })).map((u) => ({ id: u.id, name: u.name, email: u.email }))
            : (await em.find(StaffUserRow, { id: d.officer?.id ?? '', active: true })).map((u) => ({ id: u.id, name: u.name, email: u.email }));

      const outcome: OfficerDeadlineOutcome = { emailed: [], slack: [], problems: [] };
      if (recipients.length === 0) {
        outcome.problems.push(d.step === 'escalation' ? `No active administrator of agency ${app.agencyCode}.` : `No active officer to remind at ${office}.`);
      }
      for (const person of recipients) {
        const mail = renderOfficerDeadline({
          ctx: deps.mail.context,
          recipientName: person.name,
          step: d.step,
          wait: d.wait,
          fileNumber,
          applicationNumber: app.number,
          exporterName,
          office,
          ...(d.officer ? { officerName: d.officer.name } : {}),
          ...(certificate ? { certificateNumber: certificate.number } : {}),
          waitingSince: since,
          waited: formatAge(waitedMs),
          reminderNumber: d.number,
        });
        await deps.notifier.send({
          key: `${d.key}/email/${person.id}`,
          channel: 'email',
          to: person.email,
          template: `officer-${d.wait}-${d.step}`,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          applicationId: app.id,
        });
        outcome.emailed.push(person.id);
      }

      const s = deps.slack;
      if (!s) return outcome;
      const card = await s.backend.cardFromView({ applicationId: app.id, deficiencies: [] });
      if (!card || !(await s.backend.channelForOffice(app.officeCode ?? ''))) return outcome;
      const wait: OfficerWait = d.wait === 'review' ? { kind: 'review' } : { kind: 'certificate-signature', officerName: d.officer?.name ?? 'the approving officer' };
      if (d.step === 'reminder') {
        const r = await deps.notifier.once(
          { key: `${d.key}/slack/thread`, channel: 'slack', to: `office:${app.officeCode}`, template: `officer-${d.wait}-reminder`, text: `reminder ${d.number} in the thread of ${fileNumber}`, applicationId: app.id },
          async () => {
            await s.notifier.sendStaleReminder(card, waitedMs, wait);
          },
        );
        if (r.sent || r.duplicate) outcome.slack.push(`office:${app.officeCode}`);
        return outcome;
      }
      const links = await em.find(SlackUserLink, { staffUserId: { $in: recipients.map((a) => a.id) } });
      for (const admin of recipients) {
        const link = links.find((l) => l.staffUserId === admin.id);
        const target: EscalationTarget = link ? { slackUserId: link.slackUserId } : { email: admin.email };
        try {
          await deps.notifier.once(
            { key: `${d.key}/slack/${admin.id}`, channel: 'slack', to: link ? link.slackUserId : admin.email, template: `officer-${d.wait}-escalation`, text: `escalation of ${fileNumber}`, applicationId: app.id },
            async () => {
              await s.notifier.sendEscalation(card, target, wait, waitedMs);
            },
          );
          outcome.slack.push(admin.id);
        } catch (error) {
          // an administrator who is not in the workspace cannot be reached there (the e-mail went): noted, not retried
          if (!(error instanceof AppError && error.code === ErrorCode.NotFound)) throw error;
          outcome.problems.push(`${admin.name}: ${error.message}`);
        }
      }
      if (outcome.problems.length) s.logger.warn({ applicationNumber: app.number, problems: outcome.problems }, 'slack: escalation did not reach everyone');
      return outcome;
    },
  };
}
