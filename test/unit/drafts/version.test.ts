import { describe, expect, it } from 'vitest';
import { assertVersion, etagOf, expectedVersion } from '../../../api/drafts/version.js';
import { AppError } from '../../../lib/errors.js';

describe('optimistic locking: versions from If-Match or ?version', () => {
  it('reads the forms of an entity tag clients send', () => {
    expect(expectedVersion('"3"', undefined)).toBe(3);
    expect(expectedVersion('W/"3"', undefined)).toBe(3);
    expect(expectedVersion('3', undefined)).toBe(3);
    expect(expectedVersion(etagOf(12), undefined)).toBe(12);
    expect(expectedVersion(undefined, 5)).toBe(5);
    expect(expectedVersion(undefined, undefined)).toBeUndefined();
    expect(expectedVersion('*', undefined)).toBeUndefined();
    expect(expectedVersion('"4"', 4)).toBe(4);
  });

  it('refuses a malformed tag, several tags, or a tag and a version that disagree', () => {
    for (const bad of ['"abc"', '"1", "2"', 'W/']) {
      expect(() => expectedVersion(bad, undefined)).toThrow(/If-Match must carry/);
    }
    expect(() => expectedVersion('"4"', 5)).toThrow('If-Match (4) and version (5) disagree');
  });

  it('refuses a stale write with 409 version_conflict and both versions', () => {
    expect(() => assertVersion('DRAFTCOOAPPLY00000001AM27', 3, undefined)).not.toThrow();
    expect(() => assertVersion('DRAFTCOOAPPLY00000001AM27', 3, 3)).not.toThrow();
    try {
      assertVersion('DRAFTCOOAPPLY00000001AM27', 4, 3);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      const err = e as AppError;
      expect([err.code, err.status]).toEqual(['version_conflict', 409]);
      expect(err.details).toEqual({ currentVersion: 4, yourVersion: 3 });
      expect(err.message).toContain('was changed since you read it');
    }
  });
});
