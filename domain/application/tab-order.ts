import type { FieldProblem } from '../../lib/errors.js';
import { TAB_IDS, type TabId } from './schemas.js';

export const TAB_LABELS: Readonly<Record<TabId, string>> = {
  basicDetails: 'Basic Details',
  certificateDetails: 'Certificate Details',
  exportProducts: 'Export Details',
  importDetails: 'Import Details',
  shipment: 'Shipment Details',
  attachments: 'Attachments',
  declaration: 'Declaration',
};

/**
 * Later tabs whose content depends on a tab: after saving the tab, they must be checked again
 * (changing the invoice currency or value affects item values; changing the agreement changes
 * the allowed preference criteria; changing items changes the import details; before/after shipment
 * decides what the shipment tab must give).
 */
export const TAB_DEPENDENTS: Readonly<Record<TabId, readonly TabId[]>> = {
  basicDetails: [],
  certificateDetails: ['exportProducts', 'importDetails', 'shipment'],
  exportProducts: ['importDetails'],
  importDetails: [],
  shipment: [],
  attachments: [],
  declaration: [],
};

/** All tabs are required and are filled in order ("must be filled in order/step by step", seed 001). */
export function checkTabOrder(savedTabs: Iterable<TabId>, tab: TabId): FieldProblem[] {
  const saved = new Set(savedTabs);
  const missing = TAB_IDS.slice(0, TAB_IDS.indexOf(tab)).filter((t) => !saved.has(t));
  if (missing.length === 0) return [];
  const names = missing.map((t) => `"${TAB_LABELS[t]}"`);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return [
    {
      path: tab,
      message: `Save ${list} before "${TAB_LABELS[tab]}": the tabs of the application are filled in order`,
    },
  ];
}

/** The first tab not yet saved, or "summary" when every tab is saved. */
export function nextTab(savedTabs: Iterable<TabId>): TabId | 'summary' {
  const saved = new Set(savedTabs);
  return TAB_IDS.find((t) => !saved.has(t)) ?? 'summary';
}

/** The tabs present in a draft. */
export function savedTabsOf(draft: Partial<Record<TabId, unknown>>): TabId[] {
  return TAB_IDS.filter((t) => draft[t] !== undefined);
}
