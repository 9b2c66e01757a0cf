import type { RequestHandler } from 'express';
import { isGrpcServiceError, ServiceError, type Client } from '@temporalio/client';
import type { Orm } from '../../db/orm.js';
import { ErrorCode } from '../../lib/errors.js';
import { sendProblem } from './problem.js';

export type Dependency = 'temporal' | 'database';

/** How long a client should wait before trying again while a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

const DESCRIPTION: Record<Dependency, string> = {
  temporal: 'the workflow service (Temporal)',
  database: 'the database (PostgreSQL)',
};

/** gRPC codes of a Temporal server that is not there: UNAVAILABLE, DEADLINE_EXCEEDED. */
const GRPC_DOWN = new Set([14, 4]);
/** Node socket errors and PostgreSQL SQLSTATEs of a database that is not there (class 08, 57P01–57P03). */
const DB_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

/**
 * Which dependency an error says is missing: Temporal unreachable (a gRPC UNAVAILABLE or DEADLINE_EXCEEDED,
 * however deep in the causes) or PostgreSQL (a refused or dropped connection, a server shutting down).
 * Undefined for any other error.
 */
export function missingDependency(e: unknown): Dependency | undefined {
  type Link = { code?: unknown; cause?: unknown; previous?: unknown; name?: unknown };
  let cur = e as Link | undefined;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 8; depth++) {
    if (isGrpcServiceError(cur) && GRPC_DOWN.has(cur.code)) return 'temporal';
    // a connection that could not be made at all (Connection.lazy's first call)
    if ((cur as unknown) instanceof ServiceError && /connect|unavailable|deadline/i.test(String((cur as unknown as Error).message))) return 'temporal';
    const link: Link = cur;
    if (typeof link.code === 'string' && DB_DOWN.has(link.code)) return 'database';
    if (link.name === 'ConnectionException') return 'database';
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

export interface DependencyMonitor {
  /** the dependencies the last probes found down */
  down(): Dependency[];
  stop(): void;
}

/**
 * Probes Temporal and PostgreSQL every `everyMs` (each probe bounded by `timeoutMs`), so that while one is
 * down a request fails at once with 503 instead of hanging on a connection attempt. Two probes in a row
 * that find it missing (a refused or lost connection; a merely slow answer does not count) mark it down,
 * the first good one up again.
 */
export function startDependencyMonitor(deps: { temporal: Client; orm: Orm; everyMs?: number; timeoutMs?: number }): DependencyMonitor {
  const everyMs = deps.everyMs ?? 2_000;
  const timeoutMs = deps.timeoutMs ?? 1_500;
  /** consecutive probes that found the dependency missing (a refused connection, not a slow answer) */
  const misses: Record<Dependency, number> = { temporal: 0, database: 0 };
  // a backstop only: the gRPC deadline (Temporal) or the refused connection (PostgreSQL) answers first
  const bounded = <T>(p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('probe timed out')), timeoutMs + 1_000).unref())]);
  let running = false;
  const probe = async () => {
    if (running) return;
    running = true;
    try {
      const [t, d] = await Promise.allSettled([
        bounded(deps.temporal.withDeadline(Date.now() + timeoutMs, () => deps.temporal.workflowService.getSystemInfo({}))),
        bounded(deps.orm.em.fork().getConnection().execute('select 1')),
      ]);
      // a slow answer under load is not an outage: only an error naming the missing dependency counts
      misses.temporal = t.status === 'rejected' && missingDependency(t.reason) === 'temporal' ? misses.temporal + 1 : 0;
      misses.database = d.status === 'rejected' && missingDependency(d.reason) === 'database' ? misses.database + 1 : 0;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void probe(), everyMs);
  timer.unref();
  void probe();
  return {
    down: () => (Object.keys(misses) as Dependency[]).filter((k) => misses[k] >= 2),
    stop: () => clearInterval(timer),
  };
}

/** Business routes answer 503 at once while a dependency is down (health, docs and static pages still answer). */
export function failFastWhileDown(monitor: DependencyMonitor, exempt: (path: string) => boolean): RequestHandler {
  return (req, res, next) => {
    const down = exempt(req.path) ? [] : monitor.down();
    if (down.length === 0) return next();
    sendUnavailable(res, down[0]!);
  };
}

/**
 * Every Temporal call a request makes ends by `ms` after the request arrived (a gRPC deadline carried
 * through the request's async context): a Temporal server that went away between two probes gives a
 * DEADLINE_EXCEEDED, answered as 503, instead of a request that hangs for as long as the client waits.
 */
export function boundTemporalCalls(temporal: Client, ms: number): RequestHandler {
  return (_req, res, next) => {
    void temporal.withDeadline(
      Date.now() + ms,
      () =>
        new Promise<void>((resolve) => {
          res.once('close', resolve);
          next();
        }),
    );
  };
}
