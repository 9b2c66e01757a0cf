import crypto from 'node:crypto';
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { IecChange, IecRecord, type FieldChange } from '../../db/entities/index.js';
import { canonicalJson } from '../../domain/identity/canonical.js';
import type { IecMasterRecord, IecDirectory } from '../iec/iec-directory.js';
import type { IecRefreshResult } from '../../workflows/iec-refresh/contract.js';

export interface IecServiceDeps {
  em: () => EntityManager;
  iecDirectory: IecDirectory;
}

export function createIecService(deps: IecServiceDeps) {
  return {
    /** Retried by Temporal while the IEC master is down; a missing IEC is a normal answer. */
    async fetchIecMasterRecord(iec: string): Promise<IecMasterRecord | null> {
      return deps.iecDirectory.fetch(iec);
    },

    /**
     * Upserts the local copy and records what changed. Idempotent: keyed by the refresh (the workflow run), so a
     * retry after a crash between commit and completion writes nothing twice.
     */
    async saveIecRecord(record: IecMasterRecord, refreshId: string): Promise<IecRefreshResult> {
      const em = deps.em();
      return em.transactional(async (tx) => {
        const already = await tx.findOne(IecChange, { refreshId });
        if (already) {
          return { iec: record.iec, outcome: 'updated', changes: already.changes, firmName: record.firmName };
        }
        const hash = crypto.createHash('sha256').update(canonicalJson(record)).digest('hex');
        const existing = await tx.findOne(IecRecord, { iec: record.iec }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (existing && existing.dataHash === hash) {
          existing.fetchedAt = new Date();
          return { iec: record.iec, outcome: 'unchanged', changes: [], firmName: record.firmName };
        }
        const changes = diffRecords(existing?.data ?? {}, record);
        if (existing) {
          existing.data = record;
          existing.firmName = record.firmName;
          existing.status = record.status;
          existing.dataHash = hash;
          existing.fetchedAt = new Date();
          existing.source = deps.iecDirectory.source;
        } else {
          tx.create(IecRecord, {
            iec: record.iec,
            firmName: record.firmName,
            status: record.status,
            data: record,
            dataHash: hash,
            source: deps.iecDirectory.source,
            fetchedAt: new Date(),
          });
        }
        tx.create(IecChange, { iec: record.iec, refreshId, changes });
        return { iec: record.iec, outcome: existing ? 'updated' : 'created', changes, firmName: record.firmName };
      });
    },

  };
}

/** Field-level differences, with nested paths (e.g. "branches[1].gstin"). */
export function diffRecords(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  if (before === undefined || after === undefined ? before === after : canonicalJson(before) === canonicalJson(after)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffRecords(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) => diffRecords(before[i], after[i], `${prefix}[${i}]`)).flat();
  }
  return [{ field: prefix || '(record)', before: before ?? null, after: after ?? null }];
}
