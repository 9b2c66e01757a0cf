import fs from 'node:fs/promises';
import { z } from 'zod';

/**
 * DGFT's IEC master as seen by this system. Two implementations: the HTTP client for a real IEC API,
 * and the embedded default, a local directory read from a fixtures file.
 */
export const iecMasterRecordSchema = z
  .object({
    iec: z.string().regex(/^[A-Z0-9]{10}$/),
    firmName: z.string().min(1),
    status: z.string().default('ACTIVE'),
  })
  .loose();
export type IecMasterRecord = z.infer<typeof iecMasterRecordSchema>;

export interface IecDirectory {
  readonly source: 'local' | 'dgft-api';
  /** null when the IEC does not exist; throws when the directory cannot be reached */
  fetch(iec: string): Promise<IecMasterRecord | null>;
}

export class IecDirectoryUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IecDirectoryUnavailable';
  }
}

/** Reads the fixtures file on every fetch, so editing it and refreshing shows the change. */
export class LocalIecDirectory implements IecDirectory {
  readonly source = 'local' as const;
  constructor(private readonly file: string) {}

  async fetch(iec: string): Promise<IecMasterRecord | null> {
    const raw = JSON.parse(await fs.readFile(this.file, 'utf8')) as unknown;
    const list: unknown[] = Array.isArray(raw) ? raw : ((raw as { exporters?: unknown[] }).exporters ?? []);
    const found = list.find((r) => (r as { iec?: unknown }).iec === iec);
    return found === undefined ? null : iecMasterRecordSchema.parse(found);
  }
}

/** Client for a real IEC API: GET {baseUrl}/iec/{iec} with an API key; 404 means no such IEC. */
export class HttpIecDirectory implements IecDirectory {
  readonly source = 'dgft-api' as const;
  constructor(private readonly opts: { baseUrl: string; apiKey: string; timeoutMs?: number }) {}

  async fetch(iec: string): Promise<IecMasterRecord | null> {
    let res: Response;
    try {
      res = await fetch(`${this.opts.baseUrl.replace(/\/$/, '')}/iec/${encodeURIComponent(iec)}`, {
        headers: { accept: 'application/json', 'x-api-key': this.opts.apiKey },
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw new IecDirectoryUnavailable(`IEC master unreachable: ${(e as Error).message}`);
    }
    if (res.status === 404) return null;
    if (!res.ok) throw new IecDirectoryUnavailable(`IEC master answered HTTP ${res.status}`);
    return iecMasterRecordSchema.parse(await res.json());
  }
}
