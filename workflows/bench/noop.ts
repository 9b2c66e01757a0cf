import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';

const { benchNoop } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds' });

/**
 * The benchmark's baseline (scripts/bench/lifecycle.ts): the same number of activities as an
 * application's run, each doing nothing, so the ratio shows what the application's work costs.
 */
export async function benchNoopWorkflow(activities: number): Promise<number> {
  for (let i = 0; i < activities; i++) await benchNoop(i);
  return activities;
}
