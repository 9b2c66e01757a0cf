import { ApplicationFailure } from '@temporalio/common';
import { AppError } from '../../lib/errors.js';

/**
 * Permanent problems (invalid input, a bad certificate, insufficient balance) must not be retried:
 * they become non-retryable ApplicationFailures whose type is the stable error code, with the
 * field problems in the details, so the API can answer with the same problem+json.
 */
export async function asFailure<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError) {
      throw ApplicationFailure.create({
        message: e.message,
        type: e.code,
        nonRetryable: true,
        details: [{ problems: e.problems ?? [], status: e.status, ...(e.details ?? {}) }],
      });
    }
    throw e;
  }
}
