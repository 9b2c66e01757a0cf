import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lib/errors.js';
import { isBusinessFailure } from '../../../lib/workflow-failure.js';

const fromActivity = (cause: Error) => new ActivityFailure('prepareSigningPayload', 'prepareSigningPayload', '1', RetryState.MAXIMUM_ATTEMPTS_REACHED, 'activity failed', cause);

describe('isBusinessFailure: what a workflow reacts to, and what it waits out', () => {
  it("is a service's typed refusal, non-retryable", () => {
    expect(isBusinessFailure(fromActivity(ApplicationFailure.create({ type: ErrorCode.ValidationFailed, message: 'tab 3 incomplete', nonRetryable: true })))).toBe(true);
  });

  it('is not an outage that outlasted the retries (a lost connection, retryable)', () => {
    expect(isBusinessFailure(fromActivity(ApplicationFailure.create({ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:5432', nonRetryable: false })))).toBe(false);
  });

  it('is not an unavailable dependency, nor an untyped failure, nor a timeout without a failure', () => {
    expect(isBusinessFailure(fromActivity(ApplicationFailure.create({ type: ErrorCode.DependencyUnavailable, message: 'IEC master down', nonRetryable: true })))).toBe(false);
    expect(isBusinessFailure(fromActivity(ApplicationFailure.create({ type: 'TypeError', message: 'x is undefined', nonRetryable: true })))).toBe(false);
    expect(isBusinessFailure(new Error('timeout'))).toBe(false);
  });
});
