import { ApplicationFailure } from '@temporalio/common';
import { AppError, ErrorCode, isErrorCode, type FieldProblem } from './errors.js';

/**
 * The ApplicationFailure inside an error from Temporal — an Update refused by its validator or failed in
 * its handler, a failed workflow, an activity's failure wrapped in those — however deep it sits.
 */
export function findApplicationFailure(e: unknown): ApplicationFailure | undefined {
  let cur = e as { cause?: unknown } | undefined;
  for (let depth = 0; cur && depth < 10; depth++) {
    if (cur instanceof ApplicationFailure) return cur;
    cur = cur.cause as { cause?: unknown } | undefined;
  }
  return undefined;
}

/** The error code an ApplicationFailure carries as its type (unknown types read as a conflict). */
export function failureCode(failure: ApplicationFailure): ErrorCode {
  return failure.type && isErrorCode(failure.type) ? failure.type : ErrorCode.Conflict;
}

/**
 * The AppError a Temporal error carries: the same code, message, HTTP status, field problems and details
 * as the service or workflow that refused (activities/failure.ts puts them there). Null when there is none.
 */
export function appErrorFromFailure(e: unknown): AppError | null {
  const failure = findApplicationFailure(e);
  if (!failure) return null;
  const { status, problems, ...details } = (failure.details?.[0] ?? {}) as { status?: unknown; problems?: FieldProblem[] } & Record<string, unknown>;
  return new AppError(failureCode(failure), failure.message, {
    ...(typeof status === 'number' ? { status } : {}),
    ...(Object.keys(details).length ? { details } : {}),
    ...(Array.isArray(problems) && problems.length ? { problems } : {}),
  });
}

/**
 * A typed business refusal (a service's AppError, made a non-retryable ApplicationFailure by
 * activities/failure.ts), as opposed to an outage that outlasted the activity's retries: workflows react
 * to the first and wait out the second.
 */
export function isBusinessFailure(e: unknown): boolean {
  const failure = findApplicationFailure(e);
  return failure !== undefined && failure.nonRetryable === true && !!failure.type && isErrorCode(failure.type) && failure.type !== ErrorCode.DependencyUnavailable;
}
