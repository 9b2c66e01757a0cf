import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AgencyOfficeRow, CertificateImageRow, IssuingAgencyRow, StaffUserRow } from '../../db/entities/index.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { ImageKind } from '../certificate/image-source.js';
import { renderCertificate } from '../certificate/render-certificate.js';
import { sampleOmanCertificate } from '../certificate/samples.js';
import { recordAudit } from '../identity/audit.js';
import { prepareImage } from '../pdf/pdf-image.js';
import { cleanUploadedImage, decodeImage } from '../pdf/raster-image.js';
import type { Manager } from './offices.js';

/**
 * The office's stamp and each officer's signature (seed 002 §3.I.v–vii), uploaded once by the agency's
 * administrator: PNG or JPEG, the paper background removed automatically, cropped to the ink, within size
 * and pixel limits (services/pdf/raster-image.ts), stored in `certificate_image`; every certificate of the
 * office, or approved by the officer, prints it from then on (services/certificate/image-source.ts). A
 * specimen shows how it prints before any certificate does.
 */

export interface ImageView {
  kind: ImageKind;
  owner: string;
  width: number;
  height: number;
  backgroundRemoved: boolean;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
}

const view = (r: CertificateImageRow): ImageView => ({
  kind: r.kind as ImageKind,
  owner: r.owner,
  width: r.width,
  height: r.height,
  backgroundRemoved: r.backgroundRemoved,
  sha256: r.sha256,
  uploadedBy: r.uploadedBy,
  uploadedAt: r.uploadedAt.toISOString(),
});

/** The agency an image belongs to: the office's, or the officer's; 404 for an unknown owner. */
async function agencyOf(em: EntityManager, kind: ImageKind, owner: string): Promise<string> {
  if (kind === 'stamp') {
    const office = await em.findOne(AgencyOfficeRow, { code: owner });
    if (!office) throw new AppError(ErrorCode.NotFound, `Office ${owner} is not known.`);
    return office.agencyCode;
  }
  const staff = await em.findOne(StaffUserRow, { id: owner });
  if (!staff || staff.role !== 'officer' || !staff.agencyCode) throw new AppError(ErrorCode.NotFound, `Officer ${owner} is not known.`);
  return staff.agencyCode;
}

function assertManages(m: Manager, agencyCode: string): void {
  if (m.platform) return;
  if (m.agencyCode !== agencyCode) throw new AppError(ErrorCode.Forbidden, `You administer ${m.agencyCode ?? 'no agency'}; this belongs to ${agencyCode}, managed by its own administrator.`);
}

export async function uploadCertificateImage(em: EntityManager, m: Manager, kind: ImageKind, owner: string, bytes: Uint8Array): Promise<ImageView> {
  assertManages(m, await agencyOf(em, kind, owner));
  const cleaned = await cleanUploadedImage(bytes);
  const sha256 = createHash('sha256').update(cleaned.png).digest('hex');
  return em.transactional(async (tx) => {
    const existing = await tx.findOne(CertificateImageRow, { kind, owner });
    const before = existing ? { sha256: existing.sha256, width: existing.width, height: existing.height } : null;
    const row =
      existing ??
      tx.create(CertificateImageRow, { kind, owner, png: cleaned.png, sha256, width: cleaned.width, height: cleaned.height, backgroundRemoved: cleaned.backgroundRemoved, uploadedBy: '', uploadedAt: new Date() });
    Object.assign(row, { png: cleaned.png, sha256, width: cleaned.width, height: cleaned.height, backgroundRemoved: cleaned.backgroundRemoved, uploadedBy: `${m.id} (${m.name})`.slice(0, 120), uploadedAt: new Date() });
    recordAudit(tx, {
      subjectType: kind === 'stamp' ? 'office' : 'user',
      subjectId: owner,
      action: `${kind}-image.uploaded`,
      actor: `${m.id} (${m.name})`,
      channel: 'api',
      details: { before, after: { sha256, width: cleaned.width, height: cleaned.height, backgroundRemoved: cleaned.backgroundRemoved } },
    });
    await tx.flush();
    return view(row);
  });
}

/** The stored image (PNG, background transparent). */
export async function certificateImagePng(em: EntityManager, m: Manager, kind: ImageKind, owner: string): Promise<{ view: ImageView; png: Buffer }> {
  assertManages(m, await agencyOf(em, kind, owner));
  const row = await em.findOne(CertificateImageRow, { kind, owner }, { populate: ['png'] });
  if (!row) throw new AppError(ErrorCode.NotFound, kind === 'stamp' ? `Office ${owner} has no stamp image yet.` : `Officer ${owner} has no signature image yet.`);
  return { view: view(row), png: Buffer.from(row.png as Uint8Array) };
}

/** How the image prints: a sample certificate with it in its place, marked SPECIMEN – NOT VALID. */
export async function certificateImageSpecimen(em: EntityManager, m: Manager, kind: ImageKind, owner: string): Promise<Uint8Array> {
  const { png } = await certificateImagePng(em, m, kind, owner);
  const image = prepareImage(await decodeImage(png));
  const blank = prepareImage({ width: 1, height: 1, data: new Uint8Array(4) });
  const doc = sampleOmanCertificate({ items: 1, number: 'SPECIMEN/0000/000/0000000A' });
  if (kind === 'stamp') {
    const office = await em.findOneOrFail(AgencyOfficeRow, { code: owner });
    const agency = await em.findOne(IssuingAgencyRow, { code: office.agencyCode });
    doc.certification = { ...doc.certification, officeName: office.name, agencyName: agency?.name ?? office.agencyCode, place: office.data.address.city.toUpperCase() };
  } else {
    const staff = await em.findOneOrFail(StaffUserRow, { id: owner });
    doc.certification = { ...doc.certification, officerName: staff.name, officerDesignation: staff.designation };
  }
  const { pdf } = await renderCertificate({
    document: doc,
    images: kind === 'stamp' ? { stamp: image, signature: blank } : { stamp: blank, signature: image },
    qrText: 'SPECIMEN: not a certificate of origin',
    verifyAtUrl: 'no address: a specimen cannot be verified',
    watermark: 'SPECIMEN – NOT VALID',
  });
  return pdf.save();
}
