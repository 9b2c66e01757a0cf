import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';

const statusOf: Record<string, number> = {
  already_decided: 409,
  illegal_transition: 409,
  forbidden: 403,
  validation_failed: 422,
  attachment_rejected: 422,
  payment_failed: 402,
  user_frozen: 403,
  not_found: 404,
  signature_invalid: 422,
  signer_not_acting_user: 403,
};

/**
 * A workflow's refusal (an Update validator or handler, an activity's non-retryable failure) becomes
 * the same problem+json as any other AppError: its type is the stable code, its message the text.
 */
export function workflowErrorToAppError(e: unknown): unknown {
  const failure =
    e instanceof WorkflowUpdateFailedError || e instanceof WorkflowFailedError
      ? findApplicationFailure(e.cause)
      : e instanceof ApplicationFailure
        ? e
        : undefined;
  if (failure) {
    const code = (failure.type ?? ErrorCode.Conflict) as ErrorCode;
    const details = (failure.details?.[0] ?? {}) as { problems?: FieldProblem[]; status?: number };
    return new AppError(code, failure.message, {
      status: details.status ?? statusOf[code] ?? (code.startsWith('dsc_') ? 422 : 409),
      ...(details.problems?.length ? { problems: details.problems } : {}),
    });
  }
  if (e instanceof WorkflowNotFoundError) return new AppError(ErrorCode.Conflict, 'This application has no running workflow: submit it first.');
  return e;
}

function findApplicationFailure(e: unknown): ApplicationFailure | undefined {
  let cur = e as { cause?: unknown } | undefined;
  for (let i = 0; cur && i < 5; i++) {
    if (cur instanceof ApplicationFailure) return cur;
    cur = cur.cause as { cause?: unknown } | undefined;
  }
  return undefined;
}
