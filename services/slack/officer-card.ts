import { ApplicationRow } from '../../db/entities/index.js';
import { SlackMessage } from '../../db/entities/slack.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { OfficerCardView } from '../../workflows/application/contract.js';
import type { SlackActivityDeps } from './deps.js';

export type OfficerCardOutcome =
  | { rendered: true; version: number }
  | { rendered: false; reason: 'slack-not-configured' | 'no-channel' | 'newer-shown' | 'not-visible' };

/**
 * The officer's message in the office channel, refreshed by the application workflow after each
 * transition (workflows/application: refreshOfficerCard): posted when the file first arrives In-Process,
 * rewritten in place afterwards. Idempotent: a version already shown (a retry) or older (a late
 * attempt) changes nothing. The workflow runs one refresh at a time per file, in order.
 */
export function createOfficerCardService(deps: { slack?: SlackActivityDeps | undefined }) {
  return {
    async refreshOfficerCard(view: OfficerCardView): Promise<OfficerCardOutcome> {
      const s = deps.slack;
      if (!s) return { rendered: false, reason: 'slack-not-configured' };
      const em = s.em();
      const row = await em.findOne(ApplicationRow, { id: view.applicationId }, { fields: ['number', 'officeCode'] });
      if (!row) throw new AppError(ErrorCode.NotFound, `No application with id ${view.applicationId}.`);
      const shown = await em.findOne(SlackMessage, { applicationNumber: row.number });
      if (shown && shown.renderedVersion >= view.version) return { rendered: false, reason: 'newer-shown' };
      const card = await s.backend.cardFromView(view);
      if (!card) return { rendered: false, reason: 'not-visible' };
      try {
        await s.notifier.updateApplication(card);
      } catch (error) {
        if (error instanceof AppError && error.code === ErrorCode.NotFound) {
          s.logger.info({ applicationNumber: row.number, officeCode: row.officeCode }, 'slack: no channel for the office; message not posted');
          return { rendered: false, reason: 'no-channel' };
        }
        throw error;
      }
      await em.nativeUpdate(SlackMessage, { applicationNumber: row.number }, { renderedStatus: card.status, renderedVersion: view.version });
      return { rendered: true, version: view.version };
    },
  };
}
