import { WorkflowNotFoundError } from '@temporalio/client';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { appErrorFromFailure } from '../../lib/workflow-failure.js';

/**
 * A workflow's refusal (an Update validator or handler, an activity's non-retryable failure) becomes
 * the same problem+json as any other AppError: its type is the stable code, its message the text.
 */
export function workflowErrorToAppError(e: unknown): unknown {
  if (e instanceof AppError) return e;
  const fromFailure = appErrorFromFailure(e);
  if (fromFailure) return fromFailure;
  if (e instanceof WorkflowNotFoundError) return new AppError(ErrorCode.Conflict, 'This application has no running workflow: submit it first.');
  return e;
}
