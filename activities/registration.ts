import { createIecService, type IecServiceDeps } from '../services/iec/refresh-iec-record.js';
import { createIdentityService, type IdentityServiceDeps } from '../services/identity/identity-service.js';
import { asActivities } from './failure.js';

/** The IEC refresh's activities (workflows/iec-refresh): the IEC master is retried while it is down. */
export function createIecActivities(deps: IecServiceDeps) {
  const iec = createIecService(deps);
  return asActivities({
    fetchIecMasterRecord: iec.fetchIecMasterRecord,
    saveIecRecord: iec.saveIecRecord,
  });
}

/** The exporter registration's activities (workflows/exporter-registration) and the generic signed-submission check. */
export function createIdentityActivities(deps: IdentityServiceDeps) {
  const identity = createIdentityService(deps);
  return asActivities({
    createExporterAccount: identity.createExporterAccount,
    verifyAndStoreSignedSubmission: identity.verifyAndStoreSignedSubmission,
  });
}
