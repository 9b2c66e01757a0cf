import express, { type Request, type Response } from 'express';
import { AppError, ErrorCode } from '../../lib/errors.js';

export class BodyTooLarge extends Error {
  constructor(readonly declaredBytes: number | undefined) {
    super('request body too large');
    this.name = 'BodyTooLarge';
  }
}

/**
 * The request body as raw bytes, whatever its Content-Type, read with express.raw() on this route
 * only (the API's JSON parser is mounted for application/json and leaves other bodies unread).
 * A JSON body has already been consumed by that parser, so it is refused with a clear message.
 */
export async function readRawBody(req: Request, res: Response, limitBytes: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.body)) return req.body;
  if (req.is(['application/json', 'application/*+json'])) {
    throw new AppError(
      ErrorCode.ValidationFailed,
      'Send the file itself as the request body, with its own Content-Type (application/pdf, image/jpeg…) or application/octet-stream, not JSON.',
      { status: 415 },
    );
  }
  const parser = express.raw({ type: () => true, limit: limitBytes });
  await new Promise<void>((resolve, reject) => {
    parser(req, res, (err?: unknown) => {
      if (err === undefined || err === null) return resolve();
      const e = err as { type?: string; length?: number };
      if (e.type === 'entity.too.large') return reject(new BodyTooLarge(typeof e.length === 'number' ? e.length : undefined));
      reject(err);
    });
  });
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}
