import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CertificateImageRow } from '../../db/entities/index.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { drawSignature, drawStamp, type StampText } from './demo-images.js';
import { prepareImage, type PreparedImage } from '../pdf/pdf-image.js';
import { cleanUploadedImage, decodeImage } from '../pdf/raster-image.js';
import type { CertificateImages } from './render-certificate.js';

export type ImageKind = 'stamp' | 'signature';

/**
 * The stamp and the signature a certificate prints: the office's stamp and the approving officer's
 * signature as the agency's administrator uploaded them (`certificate_image`); else a PNG in
 * `<imagesDir>/stamps/<OFFICE>.png` or `signatures/<officer id>.png` (cleaned as an upload is); else, in
 * development and tests only (`demoImages`), a machine-drawn stand-in. In production a missing image is an
 * `images_missing` refusal naming what is missing and who uploads it: the workflow holds the file in
 * Approved Pending Issuance until it is there (workflows/application/workflow.ts).
 */
export function createCertificateImageSource(deps: { em: () => EntityManager; imagesDir: string; demoImages: boolean }) {
  const cache = new Map<string, PreparedImage>();
  async function load(kind: ImageKind, owner: string, draw: () => PreparedImage): Promise<PreparedImage | undefined> {
    const row = await deps.em().findOne(CertificateImageRow, { kind, owner }, { fields: ['sha256'] });
    if (row) {
      const key = `db/${row.sha256}`;
      let image = cache.get(key);
      if (!image) {
        const full = await deps.em().findOneOrFail(CertificateImageRow, { kind, owner }, { populate: ['png'] });
        image = prepareImage(await decodeImage(full.png as Uint8Array));
        cache.set(key, image);
      }
      return image;
    }
    const safe = owner.replace(/[^A-Za-z0-9._-]/g, '_');
    const file = path.join(deps.imagesDir, kind === 'stamp' ? 'stamps' : 'signatures', `${safe}.png`);
    const st = await stat(file).catch(() => null);
    if (st) {
      const key = `file/${file}/${st.mtimeMs}`;
      let image = cache.get(key);
      if (!image) {
        image = prepareImage(await decodeImage((await cleanUploadedImage(await readFile(file))).png));
        cache.set(key, image);
      }
      return image;
    }
    if (!deps.demoImages) return undefined;
    const key = `demo/${kind}/${owner}`;
    let image = cache.get(key);
    if (!image) cache.set(key, (image = draw()));
    return image;
  }
  return {
    async imagesFor(opts: { officeCode: string; officerId: string; officerName: string; stamp: StampText }): Promise<CertificateImages> {
      const [signature, stamp] = await Promise.all([
        load('signature', opts.officerId, () => prepareImage(drawSignature(opts.officerName))),
        load('stamp', opts.officeCode, () => prepareImage(drawStamp(opts.stamp))),
      ]);
      const missing = [
        ...(stamp ? [] : [`office ${opts.officeCode} has no stamp image`]),
        ...(signature ? [] : [`officer ${opts.officerName} (${opts.officerId}) has no signature image`]),
      ];
      if (!stamp || !signature) {
        throw new AppError(
          ErrorCode.ImagesMissing,
          `The certificate cannot be drawn: ${missing.join(' and ')}. The agency's administrator uploads ${!stamp && !signature ? 'them' : 'it'} (PUT /v1/offices/{code}/stamp, PUT /v1/staff/{id}/signature); the file is issued as soon as ${!stamp && !signature ? 'they are' : 'it is'} there.`,
          { details: { missing: [...(stamp ? [] : [{ kind: 'stamp', owner: opts.officeCode }]), ...(signature ? [] : [{ kind: 'signature', owner: opts.officerId }])] } },
        );
      }
      return { signature, stamp };
    },
  };
}
