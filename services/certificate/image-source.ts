import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import { drawSignature, drawStamp, type StampText } from './demo-images.js';
import { prepareImage, type PreparedImage } from '../pdf/pdf-image.js';
import { cleanUploadedImage } from '../pdf/png.js';
import type { CertificateImages } from './render-certificate.js';

export function createCertificateImageSource(imagesDir: string) {
  const cache = new Map<string, PreparedImage>();
  async function load(kind: 'stamps' | 'signatures', id: string, draw: () => PreparedImage): Promise<PreparedImage> {
    const safe = id.replace(/[^A-Za-z0-9._-]/g, '_');
    const file = path.join(imagesDir, kind, `${safe}.png`);
    const st = await stat(file).catch(() => null);
    const key = `${kind}/${safe}/${st ? st.mtimeMs : 'demo'}`;
    let image = cache.get(key);
    if (!image) {
      image = st ? prepareImage(cleanUploadedImage(await readFile(file)).png) : draw();
      cache.set(key, image);
    }
    return image;
  }
  return {
    async imagesFor(opts: { officeCode: string; officerId: string; officerName: string; stamp: StampText }): Promise<CertificateImages> {
      const [signature, stamp] = await Promise.all([
        load('signatures', opts.officerId, () => prepareImage(drawSignature(opts.officerName))),
        load('stamps', opts.officeCode, () => prepareImage(drawStamp(opts.stamp))),
      ]);
      return { signature, stamp };
    },
  };
}
