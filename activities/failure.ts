import { ApplicationFailure } from '@temporalio/common';
import { AppError, ErrorCode, isRetryable } from '../lib/errors.js';

/**
 * The one Temporal-specific job of this folder: a service's typed refusal (AppError) becomes an
 * ApplicationFailure whose `type` is the same stable error code, with the field problems and the HTTP
 * status in its details, so the workflow and the API read the same code. Permanent problems (invalid
 * input, a bad certificate, insufficient balance) are non-retryable; an unavailable dependency is retried
 * by the activity's retry policy. Anything else (a crash, a lost connection) is left to the retry policy.
 */
export function toActivityFailure(e: unknown): unknown {
  const sqlState = dataExceptionOf(e);
  if (sqlState) {
    return ApplicationFailure.create({
      message: `The data could not be stored (PostgreSQL ${sqlState}): ${(e as Error).message}`,
      type: ErrorCode.ValidationFailed,
      nonRetryable: true,
      details: [{ problems: [], status: 422, sqlState }],
    });
  }
  if (!(e instanceof AppError)) return e;
  return ApplicationFailure.create({
    message: e.message,
    type: e.code,
    nonRetryable: !isRetryable(e.code),
    details: [{ problems: e.problems ?? [], status: e.status, ...(e.details ?? {}) }],
  });
}

/**
 * The SQLSTATE of a PostgreSQL data exception (class 22: a NUL character in text, a value out of range,
 * invalid input syntax) anywhere in the error's causes: the same input fails the same way on every retry.
 */
function dataExceptionOf(e: unknown): string | undefined {
  let cur = e as { code?: unknown; sqlState?: unknown; cause?: unknown; previous?: unknown } | undefined;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    for (const state of [cur.sqlState, cur.code]) if (typeof state === 'string' && /^22[0-9A-Z]{3}$/.test(state)) return state;
    cur = (cur.cause ?? cur.previous) as typeof cur;
  }
  return undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any activity signature
type AnyFunction = (...args: any[]) => Promise<unknown>;

/**
 * Temporal activities over a service: every method of `service` becomes an activity of the same name and
 * signature whose AppErrors are translated by {@link toActivityFailure}.
 */
export function asActivities<T extends { [name: string]: AnyFunction }>(service: T): T {
  const wrapped: Record<string, AnyFunction> = {};
  for (const [name, fn] of Object.entries(service)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await fn.apply(service, args);
      } catch (e) {
        throw toActivityFailure(e);
      }
    };
  }
  return wrapped as T;
}
