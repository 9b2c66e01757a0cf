import type { RequestHandler } from 'express';
import { isGrpcServiceError, ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { ErrorCode } from '../../lib/errors.js';
import { sendProblem } from './problem.js';

export type Dependency = 'temporal' | 'worker' | 'database';

/** How long a client should wait before trying again while a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

const DESCRIPTION: Record<Dependency, string> = {
  temporal: 'the workflow service (Temporal)',
  worker: 'the workflow worker',
  database: 'the database (PostgreSQL)',
};

/** gRPC codes of a Temporal server that is not there: UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED (a call cut off as it went away). */
const GRPC_DOWN = new Set([14, 4, 1]);
/** FAILED_PRECONDITION, as Temporal answers a query no worker is polling for */
const GRPC_FAILED_PRECONDITION = 9;
/** Node socket errors and PostgreSQL SQLSTATEs of a database that is not there (class 08, 57P01–57P03). */
const DB_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
/** What the pg driver says, without a code, of a connection the server dropped (killed, restarted) or never gave. */
const DB_DROPPED = /^(Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable|timeout exceeded when trying to connect)$/;

/**
 * Which dependency an error says is missing: Temporal unreachable (a gRPC UNAVAILABLE, DEADLINE_EXCEEDED or
 * CANCELLED, however deep in the causes, or an Update whose call was cut off: its outcome is unknown, and a
 * retry with the same Update ID finds it), no worker polling (a query Temporal cannot hand to anyone: the
 * worker is restarting), or PostgreSQL (a refused or dropped connection, a server shutting down).
 * Undefined for any other error.
 */
export function missingDependency(e: unknown): Dependency | undefined {
  type Link = { code?: unknown; cause?: unknown; previous?: unknown; name?: unknown };
  let cur = e as Link | undefined;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 8; depth++) {
    if (isGrpcServiceError(cur) && GRPC_DOWN.has(cur.code)) return 'temporal';
    if (isGrpcServiceError(cur) && cur.code === GRPC_FAILED_PRECONDITION && /no poller seen/i.test(String(cur.details ?? cur.message))) return 'worker';
    if ((cur as unknown) instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return 'temporal';
    // a connection that could not be made at all (Connection.lazy's first call)
    if ((cur as unknown) instanceof ServiceError && /connect|unavailable|deadline/i.test(String((cur as unknown as Error).message))) return 'temporal';
    const link: Link = cur;
    if (typeof link.code === 'string' && DB_DOWN.has(link.code)) return 'database';
    if (link.name === 'ConnectionException') return 'database';
    if (typeof (link as { message?: unknown }).message === 'string' && DB_DROPPED.test((link as { message: string }).message)) return 'database';
    cur = (link.cause ?? link.previous) as Link | undefined;
  }
  return undefined;
}

/** The problem a client gets while a dependency is down: 503, Retry-After, and which one. */
export function sendUnavailable(res: Parameters<RequestHandler>[1], dependency: Dependency): void {
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  sendProblem(res, {
    status: 503,
    code: ErrorCode.DependencyUnavailable,
    detail: `${DESCRIPTION[dependency][0]!.toUpperCase()}${DESCRIPTION[dependency].slice(1)} cannot be reached just now. Nothing was changed; try again in ${RETRY_AFTER_SECONDS} seconds.`,
    dependency,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });
}

/**
 * Remembers that Temporal was found unreachable (a request's call failed with UNAVAILABLE or a deadline):
 * for the next `forMs`, requests give their Temporal calls a short deadline, so they answer 503 at once
 * instead of each waiting out the long one. Routes that do not call Temporal are not affected.
 */
export function createTemporalCircuit(opts: { normalMs: number; whileDownMs: number; forMs: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  let downUntil = 0;
  return {
    noteDown(): void {
      downUntil = now() + opts.forMs;
    },
    deadlineMs(): number {
      return now() < downUntil ? opts.whileDownMs : opts.normalMs;
    },
  };
}
export type TemporalCircuit = ReturnType<typeof createTemporalCircuit>;

/**
 * Every Temporal call a request makes ends by `ms` after the request arrived (a gRPC deadline carried
 * through the request's async context): a Temporal server that went away between two probes gives a
 * DEADLINE_EXCEEDED, answered as 503, instead of a request that hangs for as long as the client waits.
 */
export function boundTemporalCalls(temporal: Client, circuit: TemporalCircuit): RequestHandler {
  return (_req, res, next) => {
    void temporal.withDeadline(
      Date.now() + circuit.deadlineMs(),
      () =>
        new Promise<void>((resolve) => {
          res.once('close', resolve);
          next();
        }),
    );
  };
}
