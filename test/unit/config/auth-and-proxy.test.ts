import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../lib/config.js';

const refusal = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('AUTH_MAX_TOKEN_LIFETIME', () => {
  it('defaults to 12 hours', () => {
    const c = loadConfig({});
    expect(c.auth.maxTokenLifetime).toBe('12 hours');
    expect(c.auth.maxTokenLifetimeSeconds).toBe(12 * 3600);
  });

  it('takes a duration like the other durations', () => {
    expect(loadConfig({ AUTH_MAX_TOKEN_LIFETIME: '30 minutes' }).auth.maxTokenLifetimeSeconds).toBe(1800);
    expect(loadConfig({ AUTH_MAX_TOKEN_LIFETIME: '1 day' }).auth.maxTokenLifetimeSeconds).toBe(86_400);
  });

  it('refuses what is not a duration, naming the variable', () => {
    expect(refusal({ AUTH_MAX_TOKEN_LIFETIME: 'forever' })).toContain('AUTH_MAX_TOKEN_LIFETIME');
    expect(refusal({ AUTH_MAX_TOKEN_LIFETIME: '0 seconds' })).toContain('AUTH_MAX_TOKEN_LIFETIME: at least 1 second');
  });
});
