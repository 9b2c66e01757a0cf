import { CertificateRow, StaffUserRow } from '../../db/entities/index.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { verifySignedSubmission } from '../identity/verify-signed-submission.js';
import { externalSigningContent } from '../pdf/sign-pdf.js';
import type { IdentitySetupSource } from '../identity/identity-setup.js';
import type { ApplicationServiceDeps } from '../application/deps.js';
import type { CertificateRenderer } from '../certificate/application-certificate-renderer.js';

export function createIssueDocumentService(deps: ApplicationServiceDeps & { certificateRenderer?: CertificateRenderer | undefined; identity: IdentitySetupSource }) {
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

    /**
     * How the office signs its certificates (reference data, `certificateSigning`): with its e-seal, or by
     * the issuing officer's DSC. For the latter, the certificate is drawn now and waits for the signature.
     */
    async prepareCertificateSigning(input: { certificateNumber: string; officeCode: string }): Promise<{ mode: 'eseal' } | { mode: 'officer-dsc'; contentSha256: string }> {
      const office = (await deps.reference({ office: input.officeCode })).office(input.officeCode);
      if (office?.certificateSigning !== 'officer-dsc' || !deps.certificateRenderer) return { mode: 'eseal' };
      const { contentSha256 } = await deps.certificateRenderer.prepareForOfficer({ certificateNumber: input.certificateNumber });
      return { mode: 'officer-dsc', contentSha256 };
    },

    /**
     * The issuing officer's signature over the prepared certificate: checked by the identity rules (the
     * officer's registered, active DSC, from a trusted CA, valid now), then put into the PDF, once.
     */
    async signCertificateAsOfficer(input: { certificateNumber: string; signerId: string; signatureB64: string }): Promise<{ sha256: string; signerName: string }> {
      const em = deps.em();
      const cert = await em.findOneOrFail(CertificateRow, { number: input.certificateNumber });
      if (cert.pdfSha256) return { sha256: cert.pdfSha256, signerName: (cert.document as { signature?: { commonName: string } }).signature?.commonName ?? '' };
      if (!deps.certificateRenderer) throw new AppError(ErrorCode.Conflict, 'This worker does not render certificates.');
      const staff = await em.findOne(StaffUserRow, { id: input.signerId });
      if (!staff || staff.officeCode !== cert.officeCode) throw new AppError(ErrorCode.Forbidden, `Only an officer of ${cert.officeCode} signs certificate ${cert.number}.`);
      await em.populate(cert, ['preparedPdf']);
      if (!cert.preparedPdf) throw new AppError(ErrorCode.Conflict, `Certificate ${cert.number} is not waiting for an officer's signature.`);
      const content = await externalSigningContent(Buffer.from(cert.preparedPdf as Uint8Array));
      const verdict = await verifySignedSubmission({
        em: deps.em(),
        identity: await deps.identity(),
        userId: input.signerId,
        iec: null,
        contentBytes: content,
        signatureB64: input.signatureB64,
        now: new Date(),
        context: `signature of certificate ${cert.number}`,
        channel: 'workflow',
      });
      const { pdf, sha256 } = await deps.certificateRenderer.completeWithOfficerSignature({
        certificateNumber: cert.number,
        cmsDer: Buffer.from(input.signatureB64, 'base64'),
        signer: { commonName: verdict.signerName, serialNumber: verdict.signerSerialNumber },
      });
      await em.nativeUpdate(CertificateRow, { number: cert.number, pdfSha256: null }, { pdf, pdfSha256: sha256, preparedPdf: null });
      const stored = await em.fork().findOneOrFail(CertificateRow, { number: cert.number });
      return { sha256: stored.pdfSha256!, signerName: verdict.signerName };
    },
  };
}
