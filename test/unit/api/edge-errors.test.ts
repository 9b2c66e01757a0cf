import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { clientErrorProblem, problemResponse } from '../../../api/http/client-error.js';
import { MAX_BODY_DEPTH, tooDeepPath } from '../../../api/http/hostile-input.js';
import { unreadableRequest } from '../../../api/http/problem.js';

/** An error as body-parser raises them (http-errors): a status, exposed when 4xx, and for the known cases a type. */
const createError = (status: number, message: string | Error, props: Record<string, unknown> = {}) =>
  Object.assign(message instanceof Error ? message : new Error(message), { status, statusCode: status, expose: status < 500 }, props);

const zlibError = (): unknown => {
  try {
    zlib.gunzipSync(Buffer.from('not compressed'));
  } catch (e) {
    // what body-parser makes of a failed decompression stream: an http-error 400 without a type
    return createError(400, e as Error);
  }
  throw new Error('expected gunzip to fail');
};

describe('unreadableRequest: what a body parser refused, as a status and a message', () => {
  it('names a body that cannot be decompressed, with its Content-Encoding', () => {
    expect(unreadableRequest(zlibError(), 'gzip')).toEqual({ status: 400, detail: 'The request body could not be decompressed: it is not valid "gzip" as its Content-Encoding says.' });
  });

  it('reads the body parsers\' typed errors', () => {
    expect(unreadableRequest(createError(400, 'Unexpected token', { type: 'entity.parse.failed' }))).toEqual({ status: 400, detail: 'The request body is not valid JSON.' });
    expect(unreadableRequest(createError(413, 'too large', { type: 'entity.too.large', limit: 2 * 1024 * 1024 }))?.detail).toBe('The request body is too large: at most 2 MB.');
    expect(unreadableRequest(createError(415, 'x', { type: 'encoding.unsupported', encoding: 'x-fuzz' }))).toMatchObject({ status: 415, detail: expect.stringContaining('"x-fuzz" is not supported') });
    expect(unreadableRequest(createError(415, 'x', { type: 'charset.unsupported', charset: 'utf-16' }))).toMatchObject({ status: 415, detail: expect.stringContaining('send it as UTF-8') });
    expect(unreadableRequest(createError(413, 'x', { type: 'parameters.too.many' }))).toEqual({ status: 413, detail: 'The form has too many fields.' });
    expect(unreadableRequest(createError(400, 'x', { type: 'request.size.invalid' }))?.detail).toMatch(/Content-Length/);
  });

  it('passes on any other client error a middleware raised, with its status', () => {
    expect(unreadableRequest(createError(416, 'Range Not Satisfiable'))).toEqual({ status: 416, detail: 'The request was refused: Range Not Satisfiable.' });
  });

  it('leaves everything else alone: a bug, a server error, a plain value', () => {
    expect(unreadableRequest(new TypeError('x is undefined'))).toBeUndefined();
    expect(unreadableRequest(createError(500, 'boom'))).toBeUndefined();
    expect(unreadableRequest(createError(503, 'down'))).toBeUndefined();
    expect(unreadableRequest('a string')).toBeUndefined();
    expect(unreadableRequest(undefined)).toBeUndefined();
  });
});

describe('clientErrorProblem: the requests Node\'s HTTP parser refuses', () => {
  it('says what is wrong, with the status Node would give', () => {
    expect(clientErrorProblem({ code: 'HPE_HEADER_OVERFLOW' }, 16_384)).toEqual({ status: 431, detail: "The request's URL and headers are larger than this service reads (16 KB in all)." });
    expect(clientErrorProblem({ code: 'HPE_INVALID_URL' })).toMatchObject({ status: 400, detail: expect.stringContaining('must be percent-encoded') });
    expect(clientErrorProblem({ code: 'HPE_INVALID_CONTENT_LENGTH' }).detail).toMatch(/Content-Length/);
    expect(clientErrorProblem({ code: 'ERR_HTTP_REQUEST_TIMEOUT' }).status).toBe(408);
    expect(clientErrorProblem({ code: 'HPE_SOMETHING_NEW' })).toEqual({ status: 400, detail: 'The request is not valid HTTP/1.1.' });
  });

  it('is written as a complete problem+json answer that closes the connection', () => {
    const raw = problemResponse({ status: 431, detail: 'too large' });
    const [head, body] = raw.split('\r\n\r\n') as [string, string];
    expect(head.split('\r\n')).toEqual(['HTTP/1.1 431 Request Header Fields Too Large', 'Content-Type: application/problem+json; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close']);
    expect(JSON.parse(body)).toEqual({ type: '/problems/validation_failed', title: 'Request Header Fields Too Large', status: 431, detail: 'too large', code: 'validation_failed' });
  });
});

describe('tooDeepPath: JSON bodies nested deeper than the API handles', () => {
  const nested = (depth: number, leaf: unknown = 1): unknown => {
    let v = leaf;
    for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
    return v;
  };

  it(`accepts ${MAX_BODY_DEPTH} levels and names where the next one begins`, () => {
    expect(tooDeepPath(nested(MAX_BODY_DEPTH), 'body')).toBeUndefined();
    const path = tooDeepPath({ ok: { x: 1 }, document: nested(MAX_BODY_DEPTH) }, 'body');
    expect(path).toMatch(/^body\/document\//);
    expect(path!.split('/')).toHaveLength(MAX_BODY_DEPTH + 1);
  });

  it('measures any depth without recursion', () => {
    const deep = JSON.parse('['.repeat(200_000) + ']'.repeat(200_000));
    expect(tooDeepPath(deep, 'body')).toBe(`body${'/0'.repeat(MAX_BODY_DEPTH)}`);
  });

  it('counts only objects and lists: long strings and wide documents are fine', () => {
    expect(tooDeepPath({ items: Array.from({ length: 10_000 }, (_, i) => ({ i, text: 'x'.repeat(100) })) }, 'body')).toBeUndefined();
    expect(tooDeepPath('x', 'body')).toBeUndefined();
    expect(tooDeepPath(null, 'body')).toBeUndefined();
  });
});
