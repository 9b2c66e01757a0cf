import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type {} from 'pino-http'; // adds req.id and req.log
import { missingDependency, sendUnavailable, type Dependency } from './dependencies.js';

/** RFC 9457 problem details; `code` is stable and documented, `errors` lists field problems. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: FieldProblem[];
}

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  409: 'Conflict',
  411: 'Length required',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  416: 'Range not satisfiable',
  422: 'Unprocessable content',
  429: 'Too many requests',
  431: 'Request header fields too large',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export function sendProblem(res: Response, p: Omit<Problem, 'type' | 'title'> & { title?: string } & Record<string, unknown>): void {
  const body: Problem & Record<string, unknown> = {
    type: `/problems/${p.code}`,
    title: p.title ?? titles[p.status] ?? 'Error',
    ...p,
    requestId: String(res.req.id ?? ''),
    instance: res.req.originalUrl,
  };
  res.status(p.status).type('application/problem+json').send(JSON.stringify(body));
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, { status: 404, code: ErrorCode.NotFound, detail: `No route for ${req.method} ${req.path}` });
};

/**
 * What a body parser (express.json, express.urlencoded, express.raw) or another middleware refused about the
 * request itself, as a status and a message for a person: a body that is not JSON, too large, compressed in an
 * unknown way or not decompressible, a charset other than UTF-8, a body shorter than its Content-Length, too many
 * form fields. These are http-errors with a 4xx status; undefined for anything else (a bug stays a 500).
 */
export function unreadableRequest(err: unknown, contentEncoding?: string | string[]): { status: number; detail: string } | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { type?: unknown; status?: unknown; expose?: unknown; encoding?: unknown; charset?: unknown; limit?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  switch (e.type) {
    case 'entity.parse.failed':
      return { status: 400, detail: 'The request body is not valid JSON.' };
    case 'entity.too.large':
      return { status: 413, detail: `The request body is too large${typeof e.limit === 'number' ? `: at most ${formatBytes(e.limit)}` : ''}.` };
    case 'encoding.unsupported':
      return { status: 415, detail: `The request body's Content-Encoding ${JSON.stringify(String(e.encoding ?? ''))} is not supported: send it uncompressed (identity) or as gzip, deflate or br.` };
    case 'charset.unsupported':
      return { status: 415, detail: `The request body's charset ${JSON.stringify(String(e.charset ?? ''))} is not supported: send it as UTF-8.` };
    case 'parameters.too.many':
      return { status: 413, detail: 'The form has too many fields.' };
    case 'request.size.invalid':
      return { status: 400, detail: 'The request body is not as long as its Content-Length header says.' };
    case 'request.aborted':
      return { status: 400, detail: 'The request was aborted before its body had arrived.' };
  }
  if (status === undefined || status < 400 || status > 499 || e.expose !== true) return undefined;
  // a body parser's 400 without a type: the decompression stream failed on bytes that are not what Content-Encoding says
  const encoding = (Array.isArray(contentEncoding) ? contentEncoding.join(', ') : contentEncoding)?.trim().toLowerCase();
  if (status === 400 && e.type === undefined && encoding && encoding !== 'identity') {
    return { status: 400, detail: `The request body could not be decompressed: it is not valid ${JSON.stringify(encoding)} as its Content-Encoding says.` };
  }
  // any other client error a middleware raised (http-errors expose only their 4xx messages, which are meant to be shown)
  const message = typeof e.message === 'string' && e.message.length > 0 && e.message.length <= 200 ? e.message : titles[status] ?? 'Bad request';
  return { status, detail: `The request was refused: ${message.replace(/\.$/, '')}.` };
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 && n % (1024 * 1024) === 0 ? `${n / 1024 / 1024} MB` : n >= 1024 && n % 1024 === 0 ? `${n / 1024} KB` : `${n} bytes`;
}

/** The last middleware: AppErrors become their problem; anything else is logged and hidden behind a 500. */
export function errorHandler(logger: Logger, onDependencyDown?: (dependency: Dependency) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof AppError) {
      sendProblem(res, {
        // extension members first: they may never override the problem's own members
        ...(err.details ?? {}),
        status: err.status,
        code: err.code,
        detail: err.message,
        ...(err.problems ? { errors: err.problems } : {}),
      });
      return;
    }
    const unreadable = unreadableRequest(err, req.headers['content-encoding']);
    if (unreadable) {
      sendProblem(res, { status: unreadable.status, code: unreadable.status === 404 ? ErrorCode.NotFound : ErrorCode.ValidationFailed, detail: unreadable.detail });
      return;
    }
    const dependency = missingDependency(err);
    if (dependency) {
      (req.log ?? logger).warn({ err, dependency }, 'a dependency is unreachable');
      onDependencyDown?.(dependency);
      sendUnavailable(res, dependency);
      return;
    }
    (req.log ?? logger).error({ err }, 'unhandled error');
    sendProblem(res, { status: 500, code: ErrorCode.Internal, detail: 'Something went wrong on our side. Quote the request id when you contact the helpdesk.' });
  };
}
