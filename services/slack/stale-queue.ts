import { ApplicationFailure } from '@temporalio/common';
import { ApplicationRow, StaffUserRow } from '../../db/entities/index.js';
import { SlackMessage, SlackUserLink } from '../../db/entities/slack.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { EscalationTarget } from '../../channels/slack/notifier.js';
import type { StaleFile, StaleSweep } from '../../workflows/stale-queue/contract.js';
import type { SlackActivityDeps } from '../slack/deps.js';

const SWEEP_LIMIT = 200;

export type StaleOutcome = { sent: true; to?: string[]; problems?: string[] } | { sent: false; reason: 'moved' | 'already-sent' | 'not-reminded' | 'no-card' | 'no-administrator' };

/**
 * The stale-queue workflow's activities (workflows/stale-queue). Each send checks again that the
 * file still waits in the same period and that nothing was sent for it yet, and records the send,
 * so a repeated sweep or a retried activity does not remind twice.
 */
export function createStaleQueueService(deps: { slack?: SlackActivityDeps | undefined }) {
  const need = (): SlackActivityDeps => {
    if (!deps.slack) throw ApplicationFailure.create({ type: ErrorCode.DependencyUnavailable, message: 'Slack is not configured on this worker (SLACK_BOT_TOKEN).', nonRetryable: true });
    return deps.slack;
  };

  /** The file as it is now, when it still waits in the period the sweep saw. */
  async function stillWaiting(s: SlackActivityDeps, f: StaleFile): Promise<{ row: ApplicationRow; message: SlackMessage | null } | null> {
    const em = s.em();
    const row = await em.findOne(ApplicationRow, { number: f.applicationNumber });
    if (!row || row.status !== 'In-Process' || row.statusChangedAt.getTime() !== new Date(f.waitingSince).getTime()) return null;
    return { row, message: await em.findOne(SlackMessage, { applicationNumber: f.applicationNumber }) };
  }

  async function adminsOf(s: SlackActivityDeps, agencyCode: string): Promise<{ id: string; name: string; target: EscalationTarget }[]> {
    const em = s.em();
    const admins = await em.find(StaffUserRow, { role: 'agency-admin', agencyCode, active: true }, { orderBy: { id: 'asc' } });
    const links = await em.find(SlackUserLink, { staffUserId: { $in: admins.map((a) => a.id) } });
    return admins.map((a) => {
      const link = links.find((l) => l.staffUserId === a.id);
      return { id: a.id, name: a.name, target: link ? { slackUserId: link.slackUserId } : { email: a.email } };
    });
  }

  return {
    /** Files In-Process in an office with a Slack channel, due a reminder or an escalation; and messages to render again. */
    async findStaleSlackFiles(input: { remindAfterMs: number; escalateAfterMs: number }): Promise<StaleSweep> {
      const s = need();
      const em = s.em();
      const now = s.now().getTime();
      const rows = await em.getConnection().execute<{ number: string; since: Date; reminded_for: Date | null; escalated_for: Date | null }[]>(
        `select a.number, a.status_changed_at as since, m.reminded_for, m.escalated_for
           from application a
           join agency_office o on o.code = a.office_code and o.slack_channel is not null
           left join slack_message m on m.application_number = a.number
          where a.status = 'In-Process' and a.status_changed_at <= ?
          order by a.status_changed_at asc
          limit ${SWEEP_LIMIT}`,
        [new Date(now - input.remindAfterMs)],
      );
      const sweep: StaleSweep = { remind: [], escalate: [], resync: [] };
      for (const r of rows) {
        const since = new Date(r.since);
        const file = { applicationNumber: r.number, waitingSince: since.toISOString() };
        const reminded = r.reminded_for !== null && new Date(r.reminded_for).getTime() === since.getTime();
        const escalated = r.escalated_for !== null && new Date(r.escalated_for).getTime() === since.getTime();
        if (!reminded) sweep.remind.push(file);
        else if (!escalated && now - since.getTime() >= input.escalateAfterMs) sweep.escalate.push(file);
      }
      const dirty = await em.find(SlackMessage, { needsSync: true }, { orderBy: { updatedAt: 'asc' }, limit: SWEEP_LIMIT, fields: ['applicationNumber'] });
      sweep.resync = dirty.map((m) => m.applicationNumber);
      return sweep;
    },

    /** A reminder in the thread of the file's channel message (the message is posted first if missing). */
    async sendSlackStaleReminder(f: StaleFile): Promise<StaleOutcome> {
      const s = need();
      const waiting = await stillWaiting(s, f);
      if (!waiting) return { sent: false, reason: 'moved' };
      if (waiting.message?.remindedFor?.getTime() === waiting.row.statusChangedAt.getTime()) return { sent: false, reason: 'already-sent' };
      const card = await s.backend.getCard(f.applicationNumber);
      if (!card) return { sent: false, reason: 'no-card' };
      await s.notifier.sendStaleReminder(card, s.now().getTime() - waiting.row.statusChangedAt.getTime());
      await s.em().upsert(SlackMessage, { applicationNumber: f.applicationNumber, remindedFor: waiting.row.statusChangedAt, createdAt: s.now(), updatedAt: s.now() }, { onConflictFields: ['applicationNumber'], onConflictMergeFields: ['remindedFor', 'updatedAt'] });
      s.logger.info({ applicationNumber: f.applicationNumber, waitingSince: f.waitingSince }, 'slack: stale reminder sent');
      return { sent: true };
    },

    /**
     * A direct message to each administrator of the file's agency (their linked Slack account, else
     * their e-mail looked up in the workspace), noted in the file's thread. Sent after the reminder only.
     */
    async sendSlackStaleEscalation(f: StaleFile): Promise<StaleOutcome> {
      const s = need();
      const waiting = await stillWaiting(s, f);
      if (!waiting) return { sent: false, reason: 'moved' };
      const since = waiting.row.statusChangedAt.getTime();
      if (waiting.message?.remindedFor?.getTime() !== since) return { sent: false, reason: 'not-reminded' };
      if (waiting.message.escalatedFor?.getTime() === since) return { sent: false, reason: 'already-sent' };
      const card = await s.backend.getCard(f.applicationNumber);
      if (!card) return { sent: false, reason: 'no-card' };
      const admins = await adminsOf(s, waiting.row.agencyCode ?? '');
      const to: string[] = [];
      const problems: string[] = [];
      for (const admin of admins) {
        try {
          await s.notifier.sendEscalation(card, admin.target);
          to.push(admin.id);
        } catch (error) {
          // an administrator who is not in the workspace cannot be reached there: noted, not retried
          if (!(error instanceof AppError && error.code === ErrorCode.NotFound)) throw error;
          problems.push(`${admin.name}: ${error.message}`);
        }
      }
      const note = admins.length === 0 ? `No active administrator of agency ${waiting.row.agencyCode}.` : problems.join('\n') || null;
      await s.em().upsert(
        SlackMessage,
        { applicationNumber: f.applicationNumber, escalatedFor: waiting.row.statusChangedAt, escalationNote: note, createdAt: s.now(), updatedAt: s.now() },
        { onConflictFields: ['applicationNumber'], onConflictMergeFields: ['escalatedFor', 'escalationNote', 'updatedAt'] },
      );
      if (to.length === 0) {
        s.logger.warn({ applicationNumber: f.applicationNumber, note }, 'slack: escalation reached nobody');
        return { sent: false, reason: 'no-administrator' };
      }
      s.logger.info({ applicationNumber: f.applicationNumber, to }, 'slack: escalation sent');
      return { sent: true, to, ...(problems.length ? { problems } : {}) };
    },

    /** Renders a channel message again after an update that did not reach Slack. */
    async resyncSlackMessage(applicationNumber: string): Promise<{ status: string | null }> {
      const s = need();
      let card: Awaited<ReturnType<typeof s.backend.getCard>> = null;
      let note: string | null = null;
      try {
        card = await s.backend.renderLatest(applicationNumber, (c) => s.notifier.updateApplication(c));
      } catch (error) {
        // the office's channel was removed: nothing to render until it has one again
        if (!(error instanceof AppError && error.code === ErrorCode.NotFound)) throw error;
        note = error.message;
      }
      await s.em().nativeUpdate(SlackMessage, { applicationNumber }, { needsSync: false, syncError: note, ...(card && !note ? { renderedStatus: card.status } : {}) });
      return { status: card && !note ? card.status : null };
    },
  };
}
