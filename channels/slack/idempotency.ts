/**
 * Idempotency keys for officer decisions, passed to the backend (and on to the workflow Update ID).
 *
 * One key per human action: a redelivery of the same payload (a proxy or Slack retrying, the
 * officer pressing Submit again after a timeout) carries the same key and gets the first result
 * back; a second, separate click is a new action and is refused by the workflow as already decided.
 */

/** A button click: `action_ts` is minted by Slack per click, so it names the click. */
export function keyForAction(input: { teamId: string; userId: string; actionId: string; actionTs: string }): string {
  return `slack:${input.teamId}:${input.userId}:${input.actionId}:${input.actionTs}`;
}

/** A modal submission: each opened modal has its own view ID, shared by every resubmission of it. */
export function keyForViewSubmission(input: { teamId: string; userId: string; callbackId: string; viewId: string }): string {
  return `slack:${input.teamId}:${input.userId}:${input.callbackId}:${input.viewId}`;
}
