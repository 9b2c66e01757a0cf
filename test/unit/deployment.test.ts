import { loadConfig } from '../../lib/config.js';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { whichSync } from '../../scripts/infra/process.js';

// No Docker engine runs on the development machines: the compose file is checked by Debian's
// docker-compose (which parses and validates it without an engine) and by its structure here.
/** The secrets an operator gives before `up` (everything else has a production-safe value in the file). */
const SECRETS: Record<string, string | undefined> = {
  REPLY_TOKEN_SECRET: 'x'.repeat(32),
  CAPTCHA_SECRET: 'y'.repeat(32),
  ESEAL_P12_PASSWORD: 'z',
  TEMPORAL_CODEC_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  AUTH_JWKS_URL: 'https://id.example.gov.in/.well-known/jwks.json',
  PAYMENT_GATEWAY_URL: 'https://pay.example.in',
};

// docker-compose is a Python program: starting it takes seconds on a busy machine
describe('docker-compose.yml', { timeout: 30_000 }, () => {
  const text = fs.readFileSync('docker-compose.yml', 'utf8');
  const doc = parse(text, { merge: true }) as { services: Record<string, any> };

  it('is a valid Compose file', () => {
    const bin = whichSync('docker-compose');
    expect(bin, 'docker-compose is missing: apt-get install docker-compose').toBeDefined();
    const secrets = SECRETS;
    const r = spawnSync(bin!, ['-f', 'docker-compose.yml', 'config', '-q'], { encoding: 'utf8', env: { ...process.env, ...secrets } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses to run without the production secrets', () => {
    const env = { ...process.env };
    for (const k of ['REPLY_TOKEN_SECRET', 'CAPTCHA_SECRET', 'ESEAL_P12_PASSWORD', 'TEMPORAL_CODEC_KEYS']) delete env[k];
    const r = spawnSync(whichSync('docker-compose')!, ['-f', 'docker-compose.yml', 'config', '-q'], { encoding: 'utf8', env });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('set REPLY_TOKEN_SECRET');
    // and without the keys that encrypt Temporal's payloads
    const noKeys = spawnSync(whichSync('docker-compose')!, ['-f', 'docker-compose.yml', 'config', '-q'], {
      encoding: 'utf8',
      env: { ...env, ...SECRETS, TEMPORAL_CODEC_KEYS: undefined },
    });
    expect(noKeys.status).not.toBe(0);
    expect(noKeys.stderr).toContain('set TEMPORAL_CODEC_KEYS');
  });

  it('runs Temporal with PostgreSQL persistence, its UI, the app database, a mail server, api and worker', () => {
    expect(Object.keys(doc.services).sort()).toEqual(['api', 'app-db', 'mail', 'migrate', 'temporal', 'temporal-db', 'temporal-ui', 'worker'].sort());
    expect(doc.services.temporal.environment.DB).toBe('postgres12');
    expect(doc.services.api.build).toBe('.');
    expect(doc.services.worker.build).toBe('.');
  });

  it("is production-safe by default: the app's environment passes the production profile", () => {
    // what `docker compose config` resolves for the api, with the secrets the operator must give
    const r = spawnSync(whichSync('docker-compose')!, ['-f', 'docker-compose.yml', 'config'], { encoding: 'utf8', env: { ...process.env, ...SECRETS } });
    expect(r.status, r.stderr).toBe(0);
    const resolved = parse(r.stdout) as { services: Record<string, { environment: Record<string, string> }> };
    const env = Object.fromEntries(Object.entries(resolved.services.api!.environment).map(([k, v]) => [k, String(v)]));
    expect(() => loadConfig(env)).not.toThrow();
    // and the same environment with a development convenience switched back on is refused, naming it
    expect(() => loadConfig({ ...env, AUTH_DEV_KEYS: 'true', PAYMENT_SANDBOX: 'true' })).toThrow(/AUTH_DEV_KEYS: the development signing keys are accepted[\s\S]*PAYMENT_SANDBOX: the sandbox payment gateway is selected/);
  });

  it('only sets variables the application reads', () => {
    const known = new Set(
      [...fs.readFileSync('.env.example', 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]),
    );
    for (const name of ['api', 'worker']) {
      for (const key of Object.keys(doc.services[name].environment)) {
        expect(known.has(key), `${name}: ${key} is not documented in .env.example`).toBe(true);
      }
    }
  });
});
