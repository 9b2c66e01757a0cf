import type { Request, Response } from 'express';

/**
 * Answers with a PDF stored once and never changed (a signed certificate, a sealed tax invoice): its
 * recorded SHA-256 is the ETag and the Repr-Digest, a matching If-None-Match gets 304 without reading the
 * bytes, and the bytes are served as a download in a sandbox.
 */
export async function sendStoredPdf(req: Request, res: Response, pdf: { sha256: string; filename: string; bytes: () => Promise<Uint8Array> }): Promise<undefined> {
  const etag = `"${pdf.sha256}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return undefined;
  }
  const bytes = Buffer.from(await pdf.bytes());
  res.attachment(pdf.filename);
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(pdf.sha256, 'hex').toString('base64')}:`);
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.status(200).end(bytes);
  return undefined;
}

/**
 * Answers with a PDF drawn for this request and never stored (a preview): shown in the browser, not cached,
 * in a sandbox.
 */
export function sendDrawnPdf(res: Response, filename: string, pdf: Uint8Array): undefined {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `inline; filename="${filename}"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.status(200).end(Buffer.from(pdf));
  return undefined;
}
