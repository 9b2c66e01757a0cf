import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { whichSync } from '../../lib/infra/process.js';

// No Docker engine runs on the development machines: the compose file is checked by Debian's
// docker-compose (which parses and validates it without an engine) and by its structure here.
describe('docker-compose.yml', () => {
  const text = fs.readFileSync('docker-compose.yml', 'utf8');
  const doc = parse(text, { merge: true }) as { services: Record<string, any> };

  it('is a valid Compose file', () => {
    const bin = whichSync('docker-compose');
    expect(bin, 'docker-compose is missing: apt-get install docker-compose').toBeDefined();
    const r = spawnSync(bin!, ['-f', 'docker-compose.yml', 'config', '-q'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs Temporal with PostgreSQL persistence, its UI, the app database, a mail server, api and worker', () => {
    expect(Object.keys(doc.services).sort()).toEqual(['api', 'app-db', 'mail', 'migrate', 'temporal', 'temporal-db', 'temporal-ui', 'worker'].sort());
    expect(doc.services.temporal.environment.DB).toBe('postgres12');
    expect(doc.services.api.build).toBe('.');
    expect(doc.services.worker.build).toBe('.');
  });

  it('only sets variables the application reads', () => {
    const known = new Set(
      [...fs.readFileSync('.env.example', 'utf8').matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]),
    );
    for (const name of ['api', 'worker']) {
      for (const key of Object.keys(doc.services[name].environment)) {
        if (key === 'SMTP_URL') continue; // mail settings arrive with the e-mail channel
        expect(known.has(key), `${name}: ${key} is not documented in .env.example`).toBe(true);
      }
    }
  });
});
