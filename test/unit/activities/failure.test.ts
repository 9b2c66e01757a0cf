import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { asActivities, toActivityFailure } from '../../../activities/failure.js';
import { AppError, ErrorCode } from '../../../lib/errors.js';

describe('activity failures', () => {
  it('turns a typed refusal into a non-retryable failure with the same code, status and problems', () => {
    const f = toActivityFailure(new AppError(ErrorCode.SignatureInvalid, 'bad signature', { problems: [{ path: 'signature', message: 'does not verify' }] }));
    expect(f).toBeInstanceOf(ApplicationFailure);
    expect(f).toMatchObject({ type: 'signature_invalid', nonRetryable: true, message: 'bad signature' });
    expect((f as ApplicationFailure).details?.[0]).toMatchObject({ status: 422, problems: [{ path: 'signature' }] });
  });

  it('leaves an unavailable dependency retryable, and anything untyped to the retry policy', () => {
    expect(toActivityFailure(new AppError(ErrorCode.DependencyUnavailable, 'IEC master down'))).toMatchObject({ type: 'dependency_unavailable', nonRetryable: false });
    const crash = new Error('connection reset');
    expect(toActivityFailure(crash)).toBe(crash);
  });

  it('does not retry a PostgreSQL data exception (a NUL in text fails the same way every time)', () => {
    const pg = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    const wrapped = Object.assign(new Error('driver'), { previous: pg });
    for (const e of [pg, wrapped]) expect(toActivityFailure(e)).toMatchObject({ type: 'validation_failed', nonRetryable: true });
    const lost = Object.assign(new Error('terminating connection'), { code: '57P01' });
    expect(toActivityFailure(lost)).toBe(lost);
  });

  it('wraps every method of a service under the same name', async () => {
    const acts = asActivities({ ok: async (x: number) => x + 1, refuse: async () => { throw new AppError(ErrorCode.Forbidden, 'no'); } });
    expect(await acts.ok(1)).toBe(2);
    await expect(acts.refuse()).rejects.toMatchObject({ type: 'forbidden', nonRetryable: true });
  });
});
