/**
 * `npm test`: the whole suite — lint, type-check, unit, integration and end-to-end tests against real
 * services (PostgreSQL and Temporal started by test/global-setup.ts on their own ports and data folders).
 * Installs what it needs when it is missing (Debian packages as root; the Temporal CLI from the Go module proxy).
 * Extra arguments go to vitest, e.g. `npm test -- test/e2e/foundation.test.ts`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureTemporalCli } from './infra/temporal-cli.js';
import { ensureSystemPackages } from './lib/system-packages.js';

const t0 = Date.now();
const say = (m: string) => process.stdout.write(`[test ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${m}\n`);
const extra = process.argv.slice(2);
const bin = (name: string) => path.resolve('node_modules/.bin', name);

function step(name: string, cmd: string, args: string[]): boolean {
  const s = Date.now();
  say(`${name}…`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : (process.env.FORCE_COLOR ?? '1') } });
  const ok = r.status === 0;
  say(`${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - s) / 1000).toFixed(1)} s`);
  return ok;
}

let ok = ensureSystemPackages(say);
if (!ok) say('some programs the tests need are missing (see above)');
await ensureTemporalCli({ toolsDir: path.resolve('.tools'), onProgress: say });

if (extra.length === 0) {
  ok = step('lint (eslint)', bin('eslint'), ['.']) && ok;
  ok = step('type-check (tsc)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']) && ok;
}
const results = path.resolve('.data/test/results.json');
fs.mkdirSync(path.dirname(results), { recursive: true });
fs.rmSync(results, { force: true });
ok = step('tests (vitest: unit, integration, e2e)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...extra]) && ok;

let summary = 'no results';
try {
  const r = JSON.parse(fs.readFileSync(results, 'utf8')) as {
    success: boolean;
    numTotalTests: number;
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  // the results decide, not only vitest's exit code
  if (r.numFailedTests > 0 || r.numFailedTestSuites > 0 || !r.success) ok = false;
  // a run that tested nothing (a global setup that failed, a filter that matched nothing) is not a pass
  if (r.numTotalTests === 0) {
    ok = false;
    say('no test ran: see the errors above');
  }
  summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`;
} catch {
  ok = false;
}
say(`${ok ? 'all green' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.stdout.write(`tests: ${summary}\n`);
process.exit(ok ? 0 : 1);
