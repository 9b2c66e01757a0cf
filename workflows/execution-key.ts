import { workflowInfo } from '@temporalio/workflow';

/**
 * An idempotency key for something this workflow execution does once (a transition, an e-mail, a number,
 * a signed step): the workflow ID and the execution chain's first run ID, then the step's own name.
 * Not the current run ID: a reset starts a new run from the same history (the first run ID is kept), and
 * the activities it repeats must find what the first run already did. A genuinely new start under the
 * same workflow ID (an application submitted again after it went back to its draft) is a new chain.
 */
export function executionKey(...step: (string | number)[]): string {
  const { workflowId, firstExecutionRunId } = workflowInfo();
  return [workflowId, firstExecutionRunId, ...step].join('/');
}
