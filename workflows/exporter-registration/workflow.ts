import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createIecActivities } from '../../activities/iec/refresh-iec-record.js';
import type { createIdentityActivities } from '../../activities/identity/activities.js';
import type { ExporterRegistrationWorkflowInput, ExporterRegistrationWorkflowResult } from './contract.js';

type IecActivities = ReturnType<typeof createIecActivities>;
type IdentityActivities = ReturnType<typeof createIdentityActivities>;

/** The IEC master goes down (seed 001, FAQ 6): keep trying with backoff. */
const directoryCall = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
} as const;
const databaseWrite = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 10 },
} as const;

const { fetchIecMasterRecord } = proxyActivities<IecActivities>(directoryCall);
const { saveIecRecord } = proxyActivities<IecActivities>(databaseWrite);
const { createExporterAccount } = proxyActivities<IdentityActivities>(databaseWrite);

export async function registerExporter(input: ExporterRegistrationWorkflowInput): Promise<ExporterRegistrationWorkflowResult> {
  const record = await fetchIecMasterRecord(input.iec);
  if (record === null) {
    throw ApplicationFailure.nonRetryable(`IEC ${input.iec} does not exist in DGFT's IEC master. Check the code on your IEC certificate.`, 'not_found');
  }
  const { workflowId, runId } = workflowInfo();
  await saveIecRecord(record, `${workflowId}/${runId}`);
  const account = await createExporterAccount({
    iec: input.iec,
    requestedBy: input.requestedBy,
    workflowId,
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...(input.mobile !== undefined ? { mobile: input.mobile } : {}),
  });
  return account;
}
