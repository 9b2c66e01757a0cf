import { condition, continueAsNew, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time.js';
import type { Activities } from '../../activities/index.js';
import { databaseWrite } from '../activity-options.js';
import { staleQueueProgressQuery, staleQueueSettingsSignal, type StaleQueueProgress, type StaleQueueSettings } from './contract.js';

const db = proxyActivities<Activities>(databaseWrite);
/** Slack calls: a few attempts, then the sweep moves on to the next file and tries again next time. */
const slack = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Keeps each run's history short; the next run carries the settings on. */
const MAX_HISTORY_EVENTS = 5000;

/**
 * Sweeps the queue every `checkEvery`: a file In-Process for `remindAfter` gets a reminder in its
 * channel thread; still waiting after `escalateAfter`, its agency administrator gets a direct message.
 * Each is sent once per waiting period (the activities record it), so a retried or repeated sweep
 * sends nothing twice. A failure on one file is logged and never stops the sweep.
 */
export async function slackStaleQueue(initial: StaleQueueSettings): Promise<void> {
  let settings = initial;
  let changed = false;
  const progress: StaleQueueProgress = { sweeps: 0, reminders: 0, escalations: 0, resynced: 0, failures: 0, settings };
  setHandler(staleQueueSettingsSignal, (s) => {
    settings = s;
    progress.settings = s;
    changed = true;
  });
  setHandler(staleQueueProgressQuery, () => progress);

  const attempt = async (what: string, applicationNumber: string, fn: () => Promise<unknown>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (e) {
      progress.failures++;
      log.warn(`stale queue: ${what} failed`, { applicationNumber, error: (e as Error).message });
      return false;
    }
  };

  for (;;) {
    changed = false;
    const found = await db.findStaleSlackFiles({ remindAfterMs: msToNumber(settings.remindAfter), escalateAfterMs: msToNumber(settings.escalateAfter) });
    for (const n of found.resync) if (await attempt('resync', n, () => slack.resyncSlackMessage(n))) progress.resynced++;
    for (const f of found.remind) if (await attempt('reminder', f.applicationNumber, () => slack.sendSlackStaleReminder(f))) progress.reminders++;
    for (const f of found.escalate) if (await attempt('escalation', f.applicationNumber, () => slack.sendSlackStaleEscalation(f))) progress.escalations++;
    progress.sweeps++;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS) break;
    await condition(() => changed, settings.checkEvery);
  }
  await continueAsNew<typeof slackStaleQueue>(settings);
}
