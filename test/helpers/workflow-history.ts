/**
 * What a workflow has done, read from its history on the Temporal server: the markers a test waits for
 * before it asserts that something did not happen ("the step that would have sent it has completed").
 */
import type { WorkflowHandle } from '@temporalio/client';

/** The activity types whose tasks completed, in the order of the history. */
export async function completedActivities(handle: WorkflowHandle): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  const scheduled = new Map<string, string>();
  const completed: string[] = [];
  for (const e of events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
    const c = e.activityTaskCompletedEventAttributes;
    if (c) completed.push(scheduled.get(String(c.scheduledEventId)) ?? '(unknown)');
  }
  return completed;
}
