/**
 * Contract of the Slack stale-queue workflow: one long-running workflow that looks for files waiting
 * In-Process too long, reminds the office in the application's thread, then escalates to the
 * agency's administrator. Imports no workflow code: the start-up code depends only on this module.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
export { TASK_QUEUE } from '../task-queues.js';

export const SLACK_STALE_QUEUE_WORKFLOW = 'slackStaleQueue';
/** One per namespace: started (or re-configured) with signal-with-start. */
export const SLACK_STALE_QUEUE_WORKFLOW_ID = 'slack-stale-queue';

/** Durations from lib/config.ts (SLACK_STALE_*): days in production, seconds in tests. */
export interface StaleQueueSettings {
  /** a file In-Process this long gets a reminder in its thread */
  remindAfter: Duration;
  /** … and this long (after the reminder) an escalation to the administrator */
  escalateAfter: Duration;
  /** how often the queue is swept */
  checkEvery: Duration;
}

/** One waiting period of one file: a reminder or an escalation is sent once per period. */
export interface StaleFile {
  applicationNumber: string;
  /** ISO 8601: when the file entered In-Process (the read model's status_changed_at) */
  waitingSince: string;
}

export interface StaleSweep {
  remind: StaleFile[];
  escalate: StaleFile[];
  /** channel messages whose last update did not reach Slack */
  resync: string[];
}

export interface StaleQueueProgress {
  sweeps: number;
  reminders: number;
  escalations: number;
  resynced: number;
  failures: number;
  settings: StaleQueueSettings;
}

export const staleQueueSettingsSignal = defineSignal<[StaleQueueSettings]>('settings');
export const staleQueueProgressQuery = defineQuery<StaleQueueProgress>('progress');
