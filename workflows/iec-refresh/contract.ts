/**
 * Contract of the IEC refresh workflow: fetches an exporter's record from DGFT's IEC master
 * (which goes down: seed 001 FAQ 6, hence retries) and updates the local copy, recording what changed.
 * Imports no workflow code, so the API and channels depend only on this module.
 */
import { defineQuery } from '@temporalio/workflow';
export { TASK_QUEUE } from '../task-queues.js';

export const IEC_REFRESH_WORKFLOW = 'refreshIecRecord';
export const iecRefreshWorkflowId = (iec: string): string => `iec-refresh/${iec}`;

export interface IecRefreshInput {
  iec: string;
  requestedBy: string;
}

export interface IecRefreshResult {
  iec: string;
  outcome: 'created' | 'updated' | 'unchanged' | 'not_found';
  changes: { field: string; before: unknown; after: unknown }[];
  firmName?: string;
}

export type IecRefreshStage = 'fetching' | 'saving' | 'done';
export const iecRefreshStageQuery = defineQuery<IecRefreshStage>('stage');
