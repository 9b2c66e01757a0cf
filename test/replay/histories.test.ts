/**
 * Every recorded history in test/histories replays against today's workflow code with the SDK's replayer:
 * a change that would make running workflows nondeterministic (a command added, removed or reordered
 * without `patched()`) fails here, naming the history. No server is needed; the workflows are bundled once,
 * as the worker bundles them. Record the histories with `npm run histories:record`.
 *
 * The replayer runs with the worker's data converter (lib/temporal-codec.ts): each history replays as it was
 * recorded (its payloads in clear text, from before the codec, pass through it untouched) and again with every
 * payload encrypted by the codec, as a history written by today's worker holds them, so a codec that garbles or
 * refuses a payload fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import type { Payload } from '@temporalio/common';
import { loadConfig } from '../../lib/config.js';
import { encryptionCodec, isEncryptedPayload, temporalDataConverter } from '../../lib/temporal-codec.js';
import { bundleWorkflows } from '../../workers/create-worker.js';
import { HISTORIES_DIR, MANIFEST_FILE, REQUIRED_HISTORIES, type HistoryManifest } from './required-histories.js';

const files = fs
  .readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json') && f !== MANIFEST_FILE)
  .sort();
const manifestPath = path.join(HISTORIES_DIR, MANIFEST_FILE);
const manifest: HistoryManifest | undefined = fs.existsSync(manifestPath) ? JSON.parse(fs.readFileSync(manifestPath, 'utf8')) : undefined;

const HINT =
  'Workflows already running (and this recorded history) took the old path. Guard the change with ' +
  "`if (patched('<change-id>')) { new } else { old }` instead; re-record (npm run histories:record) only when no " +
  'workflow of the old code runs anywhere. README: "Replayed histories and `patched()`".';

function load(file: string) {
  return historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
}

// the keys the worker has in tests and development (TEMPORAL_CODEC_KEYS unset: the development key)
const codecKeys = loadConfig({ NODE_ENV: 'test' }).temporal.codec;
const dataConverter = temporalDataConverter(codecKeys);

/**
 * Encrypts, in place, every `Payloads` list of a history (inputs, results, signal and update data, failure
 * details) as the SDK hands them to the codec; a history recorded since the codec is left as it was written. Left as they are: search attributes and memos (the server
 * reads them) and markers (the SDK core writes and reads its patch markers itself, outside the codec).
 * Returns how many payloads the history now holds encrypted.
 */
async function encryptPayloads(node: unknown): Promise<number> {
  if (!node || typeof node !== 'object' || ArrayBuffer.isView(node)) return 0;
  let n = 0;
  if (Array.isArray(node)) {
    for (const item of node) n += await encryptPayloads(item);
    return n;
  }
  const record = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (key === 'payloads' && Array.isArray(value)) {
      // a history recorded since the codec holds encrypted payloads already: as the worker wrote them
      const clear = (value as Payload[]).filter((p) => !isEncryptedPayload(p));
      if (clear.length === value.length) record[key] = await encryptionCodec(codecKeys).encode(value as Payload[]);
      else if (clear.length > 0) throw new Error('a payload list mixes encrypted and clear payloads');
      n += value.length;
    } else if (key !== 'searchAttributes' && key !== 'memo' && key !== 'markerRecordedEventAttributes') {
      n += await encryptPayloads(value);
    }
  }
  return n;
}

describe('recorded workflow histories', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    // each replay starts and stops a replay worker: only warnings and errors are worth printing
    Runtime.install({ logger: new DefaultLogger('WARN') });
    bundle = await bundleWorkflows();
  });

  it('holds every required scenario', () => {
    const missing = Object.keys(REQUIRED_HISTORIES).filter((f) => !files.includes(f));
    expect(missing, `missing from ${HISTORIES_DIR} (npm run histories:record writes them)`).toEqual([]);
  });

  for (const file of files) {
    it(`replays ${file}`, async () => {
      const history = load(file);
      const events = history.events ?? [];
      // a whole run, from its start to its completion, by the workflow the file is named after
      const type = events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
      expect(type, 'the first event starts the workflow').toBeTruthy();
      expect(file.startsWith(`${type}-`), `${file} holds a history of ${type}`).toBe(true);
      expect(events.at(-1)?.workflowExecutionCompletedEventAttributes, 'the history ends with the workflow completed').toBeTruthy();

      const workflowId = manifest?.histories[file]?.workflowId ?? `replay/${file}`;
      try {
        await Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, history, workflowId);
      } catch (e) {
        if (e instanceof DeterminismViolationError) throw new Error(`${file} no longer replays: ${e.message}\n${HINT}`, { cause: e });
        throw e;
      }
    });
  }

  for (const file of files) {
    it(`replays ${file} with its payloads encrypted by the codec`, async () => {
      const history = load(file);
      const encrypted = await encryptPayloads(history.events);
      expect(encrypted, 'the history holds payloads to encrypt').toBeGreaterThan(0);
      expect(isEncryptedPayload(history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!)).toBe(true);
      const workflowId = manifest?.histories[file]?.workflowId ?? `replay/${file}`;
      await Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, history, workflowId);
    });
  }
});
