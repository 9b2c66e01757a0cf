import { ApplicationRow } from '../../db/entities/index.js';
import { SlackMessage } from '../../db/entities/slack.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { SlackActivityDeps } from './deps.js';

/** Statuses the channel message shows: from the file's arrival at the office on. */
const SHOWN: ReadonlySet<string> = new Set(['In-Process', 'Deficient', 'Approved Pending Issuance', 'Approved', 'Rejected']);
/** The transition activity must not wait long on Slack. */
const BUDGET_MS = 15_000;

/**
 * The application workflow's `onTransition` hook (run inside its recordTransition activity): posts the
 * file's message in the office channel when it first arrives In-Process, then rewrites it in place
 * at every move. It never fails the transition: when Slack cannot be reached, the message is marked
 * for the stale-queue sweep to render again. An office without a channel is simply skipped.
 */
export function createSlackTransitionHook(deps: Pick<SlackActivityDeps, 'em' | 'backend' | 'notifier' | 'logger'>) {
  return async (applicationId: string, status: string): Promise<void> => {
    if (!SHOWN.has(status)) return;
    const row = await deps.em().findOne(ApplicationRow, { id: applicationId });
    if (!row) return;
    const number = row.number;
    try {
      await withinBudget(async () => {
        // read under the message's lock: a slower render of an earlier state cannot land after this one
        const card = await deps.backend.renderLatest(number, (c) => deps.notifier.updateApplication(c));
        if (card) await deps.em().nativeUpdate(SlackMessage, { applicationNumber: number }, { renderedStatus: card.status, needsSync: false, syncError: null });
      });
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.NotFound) {
        deps.logger.info({ applicationNumber: number, officeCode: row.officeCode }, 'slack: no channel for the office; message not posted');
        return;
      }
      deps.logger.warn({ err: error, applicationNumber: number, status }, 'slack: channel message not updated; the stale-queue sweep will retry');
      await deps.em().upsert(
        SlackMessage,
        { applicationNumber: number, needsSync: true, syncError: String((error as Error).message ?? error).slice(0, 2000), createdAt: new Date(), updatedAt: new Date() },
        { onConflictFields: ['applicationNumber'], onConflictMergeFields: ['needsSync', 'syncError', 'updatedAt'] },
      );
    }
  };
}

async function withinBudget(fn: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Slack did not answer within ${BUDGET_MS / 1000} s`)), BUDGET_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
