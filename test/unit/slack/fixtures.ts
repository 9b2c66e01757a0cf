import type { ApplicationCard } from '../../../channels/slack/backend.js';

export const NOW = new Date('2026-03-12T09:00:00.000Z');

export function hoursBefore(hours: number): string {
  return new Date(NOW.getTime() - hours * 3_600_000).toISOString();
}

export function card(overrides: Partial<ApplicationCard> = {}): ApplicationCard {
  return {
    applicationNumber: 'COOAPPLY00000101AM26',
    fileNumber: 'MUMCOOAPPLY00000101AM26',
    status: 'In-Process',
    exporter: { iec: '0305012345', name: 'Konkan Sea Foods & Exports Pvt Ltd' },
    agreement: { code: 'IOCEPA', title: 'India Oman CEPA (Agency Issued)' },
    agency: { code: 'EIC', name: 'Export Inspection Council' },
    office: { code: 'EIC-MUM', name: 'EIA Mumbai' },
    invoice: { number: 'KSF/2026/0142', date: '2026-03-10', currency: 'OMR', value: 4812.5, valueUsd: 12500 },
    goods: [{ description: 'Frozen shrimps', hsCode: '030617', quantity: 1200, unit: 'KGS' }],
    attachments: [{ name: 'invoice-0142.pdf', kind: 'Commercial invoice' }],
    deficiencies: [],
    submittedAt: hoursBefore(5),
    waitingSince: hoursBefore(5),
    ...overrides,
  };
}

export const SHARMA_REF = { officerId: 'OFF-SHARMA', name: 'Anita Sharma' };

/** All text strings in a Block Kit structure. */
export function textOf(blocks: unknown): string {
  const parts: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'text' && typeof v === 'string') parts.push(v);
        else walk(v);
      }
    }
  };
  walk(blocks);
  return parts.join('\n');
}

export function buttonsOf(blocks: unknown): string[] {
  const ids: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (o.type === 'button' && typeof o.action_id === 'string') ids.push(o.action_id);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return ids;
}
