import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { isPortFree, sleep, spawnService, stopProcessGroup, tailFile } from './process.js';

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs `temporal server start-dev`. With `dbFile` the SQLite store persists across restarts;
 * without it everything is in memory (tests).
 */
export async function startTemporalDevServer(opts: {
  cliPath: string;
  port: number;
  uiPort?: number | undefined; // undefined: headless
  /** the codec server the Web UI asks to decrypt payloads (the API's /codec) */
  uiCodecEndpoint?: string | undefined;
  dbFile?: string | undefined;
  logFile: string;
  namespace?: string;
  readyTimeoutMs?: number;
}): Promise<DevServer> {
  for (const p of [opts.port, opts.uiPort].filter((x): x is number => x !== undefined)) {
    if (!(await isPortFree(p))) {
      throw new Error(`Port ${p} is in use, so the Temporal dev server cannot start. Stop whatever uses it or choose other ports (TEMPORAL_PORT, TEMPORAL_UI_PORT).`);
    }
  }
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--log-format', 'json', '--log-level', 'warn'];
  if (opts.uiPort !== undefined) {
    args.push('--ui-port', String(opts.uiPort), '--ui-ip', '127.0.0.1');
    if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  }
  else args.push('--headless');
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  }
  if (opts.namespace && opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  const child = spawnService(opts.cliPath, args, { logFile: opts.logFile });
  let exited = false;
  child.once('exit', () => (exited = true));
  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`The Temporal dev server exited during start-up. Last lines of ${opts.logFile}:\n${tailFile(opts.logFile)}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.getSystemInfo({});
        await conn.workflowService.describeNamespace({ namespace: opts.namespace ?? 'default' });
      } finally {
        await conn.close();
      }
      break;
    } catch {
      if (Date.now() > deadline) {
        await stopProcessGroup(child);
        throw new Error(`The Temporal dev server did not become ready on ${address}. Last lines of ${opts.logFile}:\n${tailFile(opts.logFile)}`);
      }
      await sleep(300);
    }
  }
  return {
    address,
    uiUrl: opts.uiPort !== undefined ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    process: child,
    stop: () => stopProcessGroup(child),
  };
}

const IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;
const typeMap: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Registers the project's custom search attributes; those already there are left alone, so this
 * runs safely at every start (the dev server ignores --search-attribute for an existing database).
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !have.has(k.name));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, typeMap[k.type]!])),
    });
  } catch (e) {
    // a concurrent starter may have added them first
    if (!/already exists/i.test(String((e as Error).message))) throw e;
  }
  return missing.map((k) => k.name);
}
