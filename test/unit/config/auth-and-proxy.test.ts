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

describe('TRUST_PROXY', () => {
  it('is off by default: no X-Forwarded-For is believed', () => {
    expect(loadConfig({}).api.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '' }).api.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).api.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).api.trustProxy).toBe(false);
  });

  it('accepts what Express accepts: true, a hop count, a list of addresses and subnets', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).api.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).api.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).api.trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,192.0.2.7, fd00::/8, 172.16.0.0/255.240.0.0' }).api.trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.0.2.7',
      'fd00::/8',
      '172.16.0.0/255.240.0.0',
    ]);
  });

  it('refuses anything else, naming the variable', () => {
    for (const v of ['yes', 'localhost', '10.0.0.0/33', '300.1.1.1', 'loopback,', '10.0.0.1/8/8']) {
      expect(refusal({ TRUST_PROXY: v }), v).toContain('TRUST_PROXY');
    }
  });
});
