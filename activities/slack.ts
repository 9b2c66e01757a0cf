import type { SlackActivityDeps } from '../services/slack/deps.js';
import { createStaleQueueService } from '../services/slack/stale-queue.js';
import { asActivities } from './failure.js';

/** The stale-queue workflow's activities (workflows/stale-queue), over the Slack stale-queue service. */
export function createSlackActivities(deps: { slack?: SlackActivityDeps | undefined }) {
  const staleQueue = createStaleQueueService(deps);
  return asActivities({
    findStaleSlackFiles: staleQueue.findStaleSlackFiles,
    sendSlackStaleReminder: staleQueue.sendSlackStaleReminder,
    sendSlackStaleEscalation: staleQueue.sendSlackStaleEscalation,
    resyncSlackMessage: staleQueue.resyncSlackMessage,
  });
}
