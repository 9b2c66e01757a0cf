import { ApplicationRow } from '../../db/entities/index.js';
import type { ImageKind } from '../../services/certificate/image-source.js';
import { certificateImagesUpdatedSignal, fileWorkflowOf } from '../../workflows/certificate-request/contract.js';
import type { ApiDeps } from '../deps.js';

/**
 * After a stamp or a signature image, or an office's e-seal, is uploaded: every approved file that may be
 * waiting for it (of the office, or approved by the officer) is told, and draws its certificate now. A file not waiting ignores
 * the signal; one that cannot be reached (Temporal away) tries again by itself at its next recheck, so a
 * failure here never fails the upload.
 */
export async function releaseHeldIssuance(deps: ApiDeps, kind: ImageKind | 'eseal', owner: string): Promise<number> {
  const waiting = await deps.orm.em.fork().find(
    ApplicationRow,
    { status: 'Approved Pending Issuance', ...(kind === 'signature' ? { decidedBy: owner } : { officeCode: owner }) },
    { fields: ['kind', 'number'] },
  );
  let told = 0;
  for (const row of waiting) {
    try {
      await deps.temporal.workflow.getHandle(fileWorkflowOf(row).workflowId).signal(certificateImagesUpdatedSignal);
      told++;
    } catch (e) {
      deps.logger.warn({ file: row.number, error: (e as Error).message }, `a file waiting for ${kind === 'eseal' ? "its office's e-seal" : 'a certificate image'} was not told of the upload; it rechecks by itself`);
    }
  }
  return told;
}
