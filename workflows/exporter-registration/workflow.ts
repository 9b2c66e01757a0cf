import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createIecActivities } from '../../activities/registration.js';
import type { createIdentityActivities } from '../../activities/registration.js';
import type { ExporterRegistrationWorkflowInput, ExporterRegistrationWorkflowResult } from './contract.js';
import { directoryCall, databaseWrite } from '../activity-options.js';
import { ErrorCode } from '../../lib/errors.js';
import { executionKey } from '../execution-key.js';

type IecActivities = ReturnType<typeof createIecActivities>;
type IdentityActivities = ReturnType<typeof createIdentityActivities>;

const { fetchIecMasterRecord } = proxyActivities<IecActivities>(directoryCall);
const { saveIecRecord } = proxyActivities<IecActivities>(databaseWrite);
const { createExporterAccount } = proxyActivities<IdentityActivities>(databaseWrite);

export async function registerExporter(input: ExporterRegistrationWorkflowInput): Promise<ExporterRegistrationWorkflowResult> {
  const record = await fetchIecMasterRecord(input.iec);
  if (record === null) {
    throw ApplicationFailure.nonRetryable(`IEC ${input.iec} does not exist in DGFT's IEC master. Check the code on your IEC certificate.`, ErrorCode.NotFound);
  }
  await saveIecRecord(record, executionKey());
  const { workflowId } = workflowInfo();
  const account = await createExporterAccount({
    iec: input.iec,
    requestedBy: input.requestedBy,
    workflowId,
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...(input.mobile !== undefined ? { mobile: input.mobile } : {}),
  });
  return account;
}
