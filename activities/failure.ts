import { ApplicationFailure } from '@temporalio/common';
import { AppError, isRetryable } from '../lib/errors.js';

/**
 * The one Temporal-specific job of this folder: a service's typed refusal (AppError) becomes an
 * ApplicationFailure whose `type` is the same stable error code, with the field problems and the HTTP
 * status in its details, so the workflow and the API read the same code. Permanent problems (invalid
 * input, a bad certificate, insufficient balance) are non-retryable; an unavailable dependency is retried
 * by the activity's retry policy. Anything else (a crash, a lost connection) is left to the retry policy.
 */
export function toActivityFailure(e: unknown): unknown {
  if (!(e instanceof AppError)) return e;
  return ApplicationFailure.create({
    message: e.message,
    type: e.code,
    nonRetryable: !isRetryable(e.code),
    details: [{ problems: e.problems ?? [], status: e.status, ...(e.details ?? {}) }],
  });
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
