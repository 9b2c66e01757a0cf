import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApplicationRow } from '../../db/entities/index.js';
import { loadReferenceIndex } from '../../db/reference-index.js';
import { summarizeCostSheets, type CostSheetSummary } from '../../domain/application/check-cost-sheets.js';
import type { CostSheet } from '../../domain/application/schemas.js';
import { nextTab, savedTabsOf } from '../../domain/application/tab-order.js';
import { applicationInvalid, costSheetContext, costSheetProblems, validateCostSheet } from '../../domain/application/validate-application.js';
import type { ReferenceIndex } from '../../domain/reference/reference-index.js';
import type { Principal } from '../../lib/auth/roles.js';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';
import { assertEditable } from './access.js';
import { lockOwned } from './draft-service.js';
import { loadIecForRules, ruleContext } from './iec-context.js';
import { assertVersion } from './version.js';

type Sheets = Record<string, CostSheet>;

function sheetsOf(row: ApplicationRow): Sheets {
  return (row.tabs.costSheets ?? {}) as Sheets;
}

function noCostSheet(row: ApplicationRow, itemNo: number): AppError {
  return new AppError(ErrorCode.NotFound, `Application ${row.number} has no cost sheet for export item ${itemNo}`);
}

/** The cost-sheet lines of the application summary (computed RVC, threshold, claimed criterion), from the saved tabs. */
export function costSheetSummaryOf(row: ApplicationRow, reference: ReferenceIndex): CostSheetSummary[] {
  const tabs = row.tabs as Parameters<typeof summarizeCostSheets>[0];
  try {
    return summarizeCostSheets(tabs, costSheetContext(tabs, { reference }));
  } catch {
    // a stored draft whose tabs predate a shape change: the summary is left out, validation names the problem
    return [];
  }
}

export async function loadCostSheetSummary(em: EntityManager, row: ApplicationRow): Promise<CostSheetSummary[]> {
  return costSheetSummaryOf(row, await loadReferenceIndex(em));
}

export interface CostSheetView {
  itemNo: number;
  costSheet: CostSheet;
  summary: CostSheetSummary | undefined;
}

export function costSheetView(row: ApplicationRow, itemNo: number, reference: ReferenceIndex): CostSheetView {
  const sheet = sheetsOf(row)[String(itemNo)];
  if (sheet === undefined) throw noCostSheet(row, itemNo);
  return { itemNo, costSheet: sheet, summary: costSheetSummaryOf(row, reference).find((s) => s.itemNo === itemNo) };
}

/**
 * Saves the cost sheet of one export item: the Import Details tab must be saved (the claim it is checked
 * against), the item must be among the export products, and every cost sheet rule must hold, the agreement
 * with the claimed criterion included (422 with each problem). Same statuses and locking as a tab save.
 */
export async function saveCostSheet(
  em: EntityManager,
  principal: Principal,
  id: string,
  itemNo: number,
  input: unknown,
  expected: number | undefined,
): Promise<{ row: ApplicationRow; view: CostSheetView; warnings: FieldProblem[] }> {
  return em.transactional(async (tx) => {
    const row = await lockOwned(tx, principal, id);
    assertVersion(row.number, row.version, expected);
    assertEditable(row, `saving the cost sheet of item ${itemNo}`);
    if (row.kind === 'duplicate') {
      throw new AppError(ErrorCode.IllegalTransition, `Request ${row.number} is for a duplicate, which carries the original certificate unchanged: request a certificate in lieu to correct it.`);
    }
    if (row.tabs.importDetails === undefined) {
      const message = 'Save the "Import Details" tab (the preference criterion claimed for each item) before a cost sheet: the cost sheet is checked against it';
      throw new AppError(ErrorCode.TabOrder, message, { problems: [{ path: `costSheets/${itemNo}`, message }], details: { nextTab: nextTab(savedTabsOf(row.tabs)) } });
    }
    const [reference, iec] = [await loadReferenceIndex(tx), await loadIecForRules(tx, row.iec)];
    const ctx = ruleContext(reference, iec, null);
    const products = (row.tabs.exportProducts as { items?: { itemNo: number }[] } | undefined)?.items ?? [];
    if (!products.some((p) => p.itemNo === itemNo)) {
      throw applicationInvalid([{ path: `costSheets/${itemNo}`, message: `Export item ${itemNo} is not in the export products: a cost sheet belongs to one of them (${products.map((p) => p.itemNo).join(', ') || 'none saved'})` }]);
    }
    const result = validateCostSheet(itemNo, input, row.tabs, ctx);
    if (result.problems.length > 0 || result.value === undefined) throw applicationInvalid(result.problems);
    row.tabs = { ...row.tabs, costSheets: { ...sheetsOf(row), [String(itemNo)]: result.value } };
    const warnings = costSheetProblems(row.tabs, ctx).filter((p) => !p.path.startsWith(`costSheets/${itemNo}`));
    await tx.flush();
    return { row, view: costSheetView(row, itemNo, reference), warnings };
  });
}

/** Removes the cost sheet of an item (e.g. one no longer exported, or now claimed as wholly obtained). */
export async function deleteCostSheet(
  em: EntityManager,
  principal: Principal,
  id: string,
  itemNo: number,
  expected: number | undefined,
): Promise<{ row: ApplicationRow; warnings: FieldProblem[] }> {
  return em.transactional(async (tx) => {
    const row = await lockOwned(tx, principal, id);
    assertVersion(row.number, row.version, expected);
    assertEditable(row, `deleting the cost sheet of item ${itemNo}`);
    const sheets = { ...sheetsOf(row) };
    if (sheets[String(itemNo)] === undefined) throw noCostSheet(row, itemNo);
    delete sheets[String(itemNo)];
    const { costSheets: _old, ...rest } = row.tabs;
    row.tabs = Object.keys(sheets).length > 0 ? { ...rest, costSheets: sheets } : rest;
    const [reference, iec] = [await loadReferenceIndex(tx), await loadIecForRules(tx, row.iec)];
    const warnings = costSheetProblems(row.tabs, ruleContext(reference, iec, null));
    await tx.flush();
    return { row, warnings };
  });
}
