import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PDFDocument } from 'pdf-lib';
import { CertificateRow } from '../../db/entities/index.js';
import { resolveAgreementForm } from '../../domain/certificate/agreement-forms.js';
import type { CertificateDocument } from '../../domain/certificate/types.js';
import { assertCertificateDocument } from '../../domain/certificate/validate-certificate-document.js';
import type { ReferenceSource } from '../../domain/reference/reference-index.js';
import type { CertificateSettings, CodecKeys } from '../../lib/config.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { issueCertificatePdf, prepareCertificatePdf } from './issue-certificate-pdf.js';
import { embedExternalSignature, type SignerIdentity } from '../pdf/sign-pdf.js';
import { buildCertificateDocument, type StoredCertificateDocument } from './certificate-document.js';
import { loadCertificateSources } from './load-certificate.js';
import { createEsealSource } from './eseal-source.js';
import { createCertificateImageSource } from './image-source.js';
import { createQrKeySource } from './qr-key-source.js';
import { renderAttestedCopy, type AttestedCopy } from './attested-copy.js';
import { indianDateOf } from '../../domain/application/financial-year.js';

/** Renders and signs the certificate's PDF, once per certificate. */
export interface CertificateRenderer {
  /** draws and signs with the office's e-seal */
  render(input: { certificateNumber: string }): Promise<{ pdf: Buffer; sha256: string }>;
  /** draws the certificate with an empty signature field, kept in the record, for the issuing officer's DSC */
  prepareForOfficer(input: { certificateNumber: string }): Promise<{ contentSha256: string }>;
  /** puts the officer's CMS (made over the prepared bytes) into the prepared PDF */
  completeWithOfficerSignature(input: {
    certificateNumber: string;
    cmsDer: Buffer;
    signer: Pick<SignerIdentity, 'commonName' | 'serialNumber' | 'organization'>;
  }): Promise<{ pdf: Buffer; sha256: string }>;
  /**
   * An attested copy of one of the certificate's attachments: the approving officer's stamp, name and
   * signature, the certificate's number and date, sealed with the office's e-seal (services/certificate/attested-copy.ts).
   */
  attestCopy(input: { certificateNumber: string; fileName: string; contentType: string; bytes: Uint8Array }): Promise<AttestedCopy>;
}

export interface ApplicationCertificateRendererDeps {
  em: () => EntityManager;
  reference: ReferenceSource;
  settings: CertificateSettings;
  /** the keyring the uploaded e-seals are sealed with (config.temporal.codec) */
  keys: CodecKeys;
  /** read at every render (tests learn the API's address after start-up) */
  publicBaseUrl: () => string;
  /** printed in the signature's contact information: this system's helpdesk address */
  contactInfo: string;
}

export function createApplicationCertificateRenderer(deps: ApplicationCertificateRendererDeps): CertificateRenderer {
  const eseals = createEsealSource({ settings: deps.settings.eseal, em: deps.em, keys: deps.keys });
  const images = createCertificateImageSource({ em: deps.em, imagesDir: deps.settings.imagesDir, demoImages: deps.settings.demoImages });
  const qr = createQrKeySource(deps.settings.qrKey);

  /** The certificate's document (frozen at first render) and everything drawn around it but the signature. */
  async function sources(certificateNumber: string) {
    const em = deps.em();
    const row = await em.findOneOrFail(CertificateRow, { number: certificateNumber });
    const stored = row.document as unknown as StoredCertificateDocument;
    // permanent problems (no layout for the agreement, an incomplete application) are validation
    // failures, which the activity does not retry (activities/failure.ts)
    const doc: CertificateDocument = stored.certificate ?? buildCertificateDocument(await loadCertificateSources(em, await deps.reference({ office: row.officeCode, agency: row.agencyCode }), row));
    resolveAgreementForm(doc.agreement);
    assertCertificateDocument(doc);
    const ref = await deps.reference({ office: row.officeCode, agency: row.agencyCode });
    const agencyName = (ref.agency(row.agencyCode)?.name ?? doc.certification.agencyName).replace(/\s*\([^)]*\)\s*$/, '');
    const officeCity = ref.office(row.officeCode)?.address.city ?? doc.certification.place;
    const [pictures, qrKey] = await Promise.all([
      images.imagesFor({ officeCode: row.officeCode, officerId: row.issuedBy, officerName: doc.certification.officerName, stamp: { agency: agencyName, office: officeCity, short: row.agencyCode } }),
      qr.key(),
    ]);
    const issuer = { images: pictures, qrKey, publicBaseUrl: deps.publicBaseUrl(), contactInfo: deps.contactInfo };
    return { em, row, doc, issuer };
  }

  /** Freezes what was signed, and by whom, into the record (once: a signed certificate never changes). */
  async function freeze(em: EntityManager, certificateNumber: string, doc: CertificateDocument, signedBy: Pick<SignerIdentity, 'commonName' | 'serialNumber' | 'organization'>, signedAt: Date, pageCount: number) {
    const { commonName, serialNumber, organization } = signedBy;
    const frozen: Pick<StoredCertificateDocument, 'certificate' | 'signature'> = {
      certificate: doc,
      signature: { commonName, serialNumber, ...(organization ? { organization } : {}), signedAt: signedAt.toISOString(), pageCount },
    };
    await em
      .getConnection()
      .execute(`update certificate set document = document || ?::jsonb where number = ? and pdf_sha256 is null`, [JSON.stringify(frozen), certificateNumber]);
  }

  return {
    async render({ certificateNumber }) {
      const { em, row, doc, issuer } = await sources(certificateNumber);
      const signer = await eseals.signerFor(row.officeCode);
      // the time of the certificate record: a retry signs with the same time
      const issued = await issueCertificatePdf(doc, { ...issuer, signer }, row.issuedAt, { linkToken: row.verificationToken });
      await freeze(em, certificateNumber, doc, issued.signedBy, issued.signedAt, issued.pageCount);
      return { pdf: issued.pdf, sha256: issued.sha256 };
    },

    async prepareForOfficer({ certificateNumber }) {
      const { em, row, doc, issuer } = await sources(certificateNumber);
      if (row.signingContentSha256) return { contentSha256: row.signingContentSha256 };
      const prepared = await prepareCertificatePdf(doc, issuer, row.issuedAt, { linkToken: row.verificationToken });
      await em
        .getConnection()
        .execute(`update certificate set prepared_pdf = ?, signing_content_sha256 = ?, document = document || ?::jsonb where number = ? and signing_content_sha256 is null`, [
          prepared.prepared,
          prepared.contentSha256,
          JSON.stringify({ certificate: doc }),
          certificateNumber,
        ]);
      const stored = await em.fork().findOneOrFail(CertificateRow, { number: certificateNumber });
      return { contentSha256: stored.signingContentSha256! };
    },

    async completeWithOfficerSignature({ certificateNumber, cmsDer, signer }) {
      const em = deps.em();
      const row = await em.findOneOrFail(CertificateRow, { number: certificateNumber }, { populate: ['preparedPdf'] });
      if (!row.preparedPdf || !row.signingContentSha256) throw new AppError(ErrorCode.Conflict, `Certificate ${certificateNumber} is not waiting for an officer's signature.`);
      const pdf = await embedExternalSignature(Buffer.from(row.preparedPdf as Uint8Array), cmsDer, row.signingContentSha256);
      const doc = (row.document as unknown as StoredCertificateDocument).certificate!;
      const pageCount = (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
      await freeze(em, certificateNumber, doc, signer, row.issuedAt, pageCount);
      return { pdf, sha256: createHash('sha256').update(pdf).digest('hex') };
    },

    async attestCopy({ certificateNumber, fileName, contentType, bytes }) {
      const { row, doc, issuer } = await sources(certificateNumber);
      const signer = await eseals.signerFor(row.officeCode);
      const c = doc.certification;
      return renderAttestedCopy({
        fileName,
        contentType,
        bytes,
        facts: { certificateNumber, officerName: c.officerName, officerDesignation: c.officerDesignation, officeName: c.officeName, date: indianDateOf(row.issuedAt) },
        images: issuer.images,
        signer,
        signedAt: row.issuedAt,
        location: `${c.place}, INDIA`,
        contactInfo: deps.contactInfo,
      });
    },
  };
}
