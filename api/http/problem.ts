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
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
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
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.parse.failed') {
      sendProblem(res, { status: 400, code: ErrorCode.ValidationFailed, detail: 'The request body is not valid JSON.' });
      return;
    }
    if (e?.type === 'entity.too.large') {
      sendProblem(res, { status: 413, code: ErrorCode.ValidationFailed, detail: 'The request body is too large.' });
      return;
    }
    if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
      sendProblem(res, { status: 415, code: ErrorCode.ValidationFailed, detail: 'Unsupported body encoding.' });
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
