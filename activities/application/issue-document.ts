import { CertificateRow } from '../../db/entities/index.js';
import type { ApplicationActivityDeps } from './deps.js';

/** Renders and signs the certificate's PDF (issue 5's certificate module), once per certificate. */
export interface CertificateRenderer {
  render(input: { certificateNumber: string }): Promise<{ pdf: Buffer; sha256: string }>;
}

export function createIssueDocumentActivities(deps: ApplicationActivityDeps & { certificateRenderer?: CertificateRenderer | undefined }) {
  return {
    async issueCertificateDocument(input: { applicationId: string; certificateNumber: string }): Promise<{ rendered: boolean }> {
      if (!deps.certificateRenderer) return { rendered: false };
      const em = deps.em();
      const cert = await em.findOneOrFail(CertificateRow, { number: input.certificateNumber });
      if (cert.pdfSha256) return { rendered: true };
      const { pdf, sha256 } = await deps.certificateRenderer.render({ certificateNumber: input.certificateNumber });
      await em.nativeUpdate(CertificateRow, { number: input.certificateNumber, pdfSha256: null }, { pdf, pdfSha256: sha256 });
      return { rendered: true };
    },
  };
}
