/**
 * Contract of the exporter registration workflow: fetches the IEC from DGFT's IEC master (retrying while
 * it is down: seed 001 FAQ 6), saves the local copy, then creates the account and its master user.
 * One run per IEC at a time (workflow id `exporter-registration/<IEC>`); imports no workflow code.
 */
export { TASK_QUEUE } from '../task-queues.js';

export const EXPORTER_REGISTRATION_WORKFLOW = 'registerExporter';
export const exporterRegistrationWorkflowId = (iec: string): string => `exporter-registration/${iec}`;

export interface ExporterRegistrationWorkflowInput {
  iec: string;
  /** the registrant's user id (token `sub`) */
  requestedBy: string;
  email?: string;
  mobile?: string;
}

export interface ExporterRegistrationWorkflowResult {
  iec: string;
  firmName: string;
  status: string;
  masterUserId: string;
  registeredAt: string;
  outcome: 'created' | 'existing';
}
