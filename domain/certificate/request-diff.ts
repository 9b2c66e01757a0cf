import { TAB_LABELS } from '../application/tab-order.js';
import { DEFAULT_REQUEST_TIMING, TAB_IDS, type TabId } from '../application/schemas.js';

/** One field an in-lieu request corrects: where, what the original said, what the new certificate will say. */
export interface FieldChange {
  /** JSON-pointer-like path into the application's tabs, e.g. "certificateDetails/importer/name" */
  path: string;
  /** the tab's name as the exporter sees it */
  tab: string;
  /** undefined: the field is new (before) or removed (after) */
  before?: unknown;
  after?: unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The field-by-field difference between the tabs the original certificate was issued from and the
 * corrected tabs of an in-lieu request, for the officer who reviews it. Objects are compared key by key
 * and lists item by item (goods items are positional, as on the certificate), so each change names the
 * one field it touches; scalars are compared by value. Tabs in the exporter's order, keys sorted.
 */
export function diffTabs(originalTabs: Record<string, unknown>, correctedTabs: Record<string, unknown>): FieldChange[] {
  const original = withDefaults(originalTabs);
  const corrected = withDefaults(correctedTabs);
  const changes: FieldChange[] = [];
  const walk = (a: unknown, b: unknown, path: string, tab: string) => {
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[k], b[k], `${path}/${k}`, tab);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}/${i}`, tab);
      return;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    changes.push({ path, tab, ...(a !== undefined ? { before: a } : {}), ...(b !== undefined ? { after: b } : {}) });
  };
  const known = new Set<string>(TAB_IDS);
  const tabs = [...TAB_IDS, ...[...new Set([...Object.keys(original), ...Object.keys(corrected)])].filter((t) => !known.has(t)).sort()];
  for (const t of tabs) walk(original[t], corrected[t], t, TAB_LABELS[t as TabId] ?? t);
  return changes;
}

/** Tabs saved before a field existed read as its default, so the default is no correction ("before shipment"). */
function withDefaults(tabs: Record<string, unknown>): Record<string, unknown> {
  const details = tabs['certificateDetails'];
  if (!isPlainObject(details) || details['requestTiming'] !== undefined) return tabs;
  return { ...tabs, certificateDetails: { ...details, requestTiming: DEFAULT_REQUEST_TIMING } };
}
