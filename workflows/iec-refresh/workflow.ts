import { ApplicationFailure, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createIecActivities } from '../../activities/registration.js';
import { iecRefreshStageQuery, type IecRefreshInput, type IecRefreshResult, type IecRefreshStage } from './contract.js';
import { directoryCall, databaseWrite } from '../activity-options.js';
import { executionKey } from '../execution-key.js';
import { ErrorCode } from '../../lib/errors.js';

type IecActivities = ReturnType<typeof createIecActivities>;

const { fetchIecMasterRecord } = proxyActivities<IecActivities>(directoryCall);
const { saveIecRecord } = proxyActivities<IecActivities>(databaseWrite);

export async function refreshIecRecord(input: IecRefreshInput): Promise<IecRefreshResult> {
  let stage: IecRefreshStage = 'fetching';
  setHandler(iecRefreshStageQuery, () => stage);
  const record = await fetchIecMasterRecord(input.iec);
  if (record === null) {
    stage = 'done';
    throw ApplicationFailure.nonRetryable(`IEC ${input.iec} was not found in the IEC master`, ErrorCode.NotFound);
  }
  stage = 'saving';
  const result = await saveIecRecord(record, executionKey());
  stage = 'done';
  return result;
}
