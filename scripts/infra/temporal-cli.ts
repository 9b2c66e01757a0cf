import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { whichSync, withDirLock } from './process.js';

/**
 * The Temporal CLI (which carries the dev server) is not on npm and cannot be downloaded here,
 * so it is built from the Go module proxy at a pinned version. Later CLI tags carry a `replace`
 * directive that `go install` refuses (see ../shared/TECH_NOTES.md).
 */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export interface CliLocation {
  path: string;
  source: 'PATH' | 'tools' | 'built';
}

/** Finds `temporal` on PATH or in the tools folder, or builds it there (once, under a lock). */
export async function ensureTemporalCli(opts: {
  toolsDir: string;
  onProgress?: (line: string) => void;
}): Promise<CliLocation> {
  const onPath = whichSync('temporal');
  if (onPath) return { path: onPath, source: 'PATH' };
  const binDir = path.join(opts.toolsDir, 'bin');
  const target = path.join(binDir, 'temporal');
  if (fs.existsSync(target)) return { path: target, source: 'tools' };
  return withDirLock(path.join(opts.toolsDir, '.temporal-build.lock'), async () => {
    if (fs.existsSync(target)) return { path: target, source: 'tools' as const };
    const go = whichSync('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
    if (!go) {
      throw new Error(
        'The Temporal CLI is not on PATH and Go is not installed to build it. Install Go (https://go.dev/dl, or `apt-get install golang-go`), ' +
          'put an existing `temporal` binary on PATH, or set TEMPORAL_ADDRESS to an existing Temporal cluster.',
      );
    }
    fs.mkdirSync(binDir, { recursive: true });
    const progress = opts.onProgress ?? (() => {});
    progress(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} from the Go module proxy into ${binDir} (first run only, a few minutes)`);
    const started = Date.now();
    const child = spawn(go, ['install', '-v', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: binDir, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    let count = 0;
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      count++;
      if (line.startsWith('go: downloading') || count % 25 === 0) progress(`  ${line}`);
    };
    readline.createInterface({ input: child.stdout! }).on('line', onLine);
    readline.createInterface({ input: child.stderr! }).on('line', onLine);
    const code = await new Promise<number | null>((r) => child.on('close', r));
    if (code !== 0 || !fs.existsSync(target)) {
      throw new Error(`Building the Temporal CLI failed (go install exited ${code}):\n${tail.join('\n')}`);
    }
    progress(`built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s`);
    return { path: target, source: 'built' as const };
  });
}
