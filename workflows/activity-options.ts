import type { ActivityOptions } from '@temporalio/workflow';

/** Named retry policies shared by the workflows (timeouts and retries grouped, not scattered). */

/** DGFT's IEC master goes down (seed 001, FAQ 6): keep trying with backoff for a while. */
export const directoryCall: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
};

/** Reads and writes of our own database: quick, retried a long time (a database restart is survivable). */
export const databaseWrite: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 50 },
};

/** Calls to the payment gateway: it may be down for a while. */
export const gatewayCall: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
};

/**
 * Validation and signature checks, wallet debits, the officer's signature: a permanent problem is a
 * non-retryable failure (activities/failure.ts), so what is retried is an outage (PostgreSQL restarting,
 * Temporal away): retried as long as a database write, through outages of many minutes.
 */
export const verification: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 50 },
};

/** Notifications: SMTP servers go away; keep trying a long while, never block a decision on it. */
export const notification: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 30 },
};

/**
 * Slack calls beside the workflow (the officer's message): Slack outages of minutes are ridden out;
 * a refresh that still fails is logged and the next transition's refresh carries the newer state.
 */
export const slackCall: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
};
