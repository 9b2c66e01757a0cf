import { createHash } from 'node:crypto';
import { PDFDocument, type PDFPage, type RGB } from 'pdf-lib';
import { rupeesInWords } from '../../domain/fees/amount-in-words.js';
import type { FeeLine, FeeQuote } from '../../domain/fees/calculate-fee.js';
import { formatRupees } from '../../domain/fees/format-paise.js';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';
import { embedCertificateFonts, hasDevanagari, kitFont, type CertificateFonts } from '../pdf/fonts.js';
import { compressPageContents, useNativeDeflate } from '../pdf/compress.js';
import { signPdfDocument, type CmsSigner } from '../pdf/sign-pdf.js';
import { drawLine, drawLines, lineHeight, measureText, wrapText, type Align, type TextStyle } from '../pdf/text-layout.js';
import { INK, FRAME, LABEL, MUTED, TINT, RULE, ACCENT } from '../pdf/palette.js';

/**
 * The GST tax invoice for the fee of a certificate application, which is also the exporter's receipt
 * of payment (seed 004: "Download Invoice Copy (i.e., Download Receipt)"). It carries what rule 46
 * of the CGST Rules asks of a tax invoice: supplier and recipient with GSTIN and state code, a
 * serial number and date, SAC, taxable value, rate and amount of each tax, place of supply, the
 * reverse-charge statement, and the office's digital seal in place of a signature.
 */

export interface TaxInvoiceDocument {
  /** e.g. "EIC-MUM/TI/2026-27/000012" */
  number: string;
  /** ISO instant; printed as DD/MM/YYYY in India time */
  issuedAt: string;
  supplyType: 'intra_state' | 'inter_state';
  placeOfSupply: { state: string; gstStateCode: string };
  supplier: { agencyName: string; officeName: string; address: string[]; gstin: string; state: string; gstStateCode: string; email: string; phone: string };
  recipient: { name: string; iec: string; address: string[]; gstin: string | null; state: string; gstStateCode: string; isSez: boolean };
  reference: { applicationNumber: string; agreement: string; paymentMethod: 'gateway' | 'ewallet'; orderId: string; gatewayTxnId: string | null; paidAt: string | null };
  lines: FeeLine[];
  totals: FeeQuote['totals'];
}

export interface TaxInvoiceSigner {
  signer: CmsSigner;
  /** printed in the footer and shown by viewers, e.g. "e-seal of EIC Mumbai" */
  name: string;
  location: string;
  contactInfo: string;
}

export interface RenderedTaxInvoice {
  pdf: Buffer;
  /** hex SHA-256 of `pdf` */
  sha256: string;
  pageCount: number;
  sealed: boolean;
}

// ---- geometry (points; A4 portrait) ----
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 36;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const LEFT_W = Math.round(CONTENT_W * 0.54);
const RIGHT_W = CONTENT_W - LEFT_W;
/** reserved above the bottom margin for the footer of every page */
const FOOTER_H = 28;
const FLOW_BOTTOM = MARGIN + FOOTER_H;
const PAD = 6;
const CELL_PAD = 3.5;
const ROW_PAD = 3;
const SUMMARY_W = 200;
/** long free text is cut (with "…") so that any one block fits on a page */
const MAX_NAME_LINES = 3;
const MAX_ADDRESS_LINES = 8;
const MAX_DESCRIPTION_LINES = 12;


interface Styles {
  title: TextStyle;
  subtitle: TextStyle;
  heading: TextStyle;
  name: TextStyle;
  body: TextStyle;
  bodyBold: TextStyle;
  fieldLabel: TextStyle;
  head: TextStyle;
  cell: TextStyle;
  cellBold: TextStyle;
  total: TextStyle;
  small: TextStyle;
}

function makeStyles(f: CertificateFonts): Styles {
  return {
    title: { fonts: f.bold, size: 16, color: ACCENT, leading: 1.3 },
    subtitle: { fonts: f.regular, size: 9, color: MUTED, leading: 1.2 },
    heading: { fonts: f.bold, size: 6.8, color: LABEL, leading: 1.2 },
    name: { fonts: f.bold, size: 9.5, color: INK, leading: 1.2 },
    body: { fonts: f.regular, size: 8.2, color: INK, leading: 1.25 },
    bodyBold: { fonts: f.bold, size: 8.2, color: INK, leading: 1.25 },
    fieldLabel: { fonts: f.regular, size: 7.2, color: MUTED, leading: 1.2 },
    head: { fonts: f.bold, size: 6.8, color: LABEL, leading: 1.15 },
    cell: { fonts: f.regular, size: 7.8, color: INK, leading: 1.2 },
    cellBold: { fonts: f.bold, size: 7.8, color: INK, leading: 1.2 },
    total: { fonts: f.bold, size: 9.5, color: INK, leading: 1.25 },
    small: { fonts: f.regular, size: 6.8, color: MUTED, leading: 1.2 },
  };
}

// ---- formatting ----

/** India has kept UTC+05:30, without daylight saving, since 1945: a fixed offset is exact. */
const IST_OFFSET_MS = 330 * 60_000;

function istParts(iso: string): { date: string; time: string } {
  const d = new Date(Date.parse(iso) + IST_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`,
    time: `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`,
  };
}

/** 12345678 paise → "1,23,456.78" (Indian grouping: thousands, then pairs of digits). */
function indianAmount(paise: number): string {
  const [whole = '', fraction = ''] = formatRupees(paise).split('.');
  const head = whole.slice(0, -3);
  return `${head ? `${head.replace(/\B(?=(\d{2})+$)/g, ',')},` : ''}${whole.slice(-3)}.${fraction}`;
}

/** "₹" when both embedded faces can draw it, "Rs." otherwise (an empty box would be worse). */
function rupeeSign(): string {
  const has = (face: 'regular' | 'bold') => kitFont('latin', face).hasGlyphForCodePoint(0x20b9);
  return has('regular') && has('bold') ? '₹' : 'Rs.';
}

/** 900 → "9%", 250 → "2.5%" */
function percent(rateBasisPoints: number): string {
  return `${rateBasisPoints / 100}%`;
}

type TaxKey = 'cgst' | 'sgst' | 'igst';
const TAX_NAMES: Record<TaxKey, string> = { cgst: 'CGST', sgst: 'SGST', igst: 'IGST' };
const TAX_TOTALS: Record<TaxKey, 'cgstPaise' | 'sgstPaise' | 'igstPaise'> = { cgst: 'cgstPaise', sgst: 'sgstPaise', igst: 'igstPaise' };

/** The taxes of the supply: CGST + SGST within a state, IGST across states (and to SEZ units). */
function taxesOf(doc: TaxInvoiceDocument): TaxKey[] {
  return doc.supplyType === 'intra_state' ? ['cgst', 'sgst'] : ['igst'];
}

// ---- validation ----

/**
 * What would make the printed invoice wrong: amounts that do not add up, a tax that does not belong to
 * the supply type, a supply type that contradicts the states. The document is built from a fee quote,
 * so any of these is a bug upstream, and a tax invoice must not be issued with it.
 */
function taxInvoiceProblems(doc: TaxInvoiceDocument): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  const isPaise = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!doc.number.trim()) problem('number', 'The invoice number is missing');
  if (Number.isNaN(Date.parse(doc.issuedAt))) problem('issuedAt', `The invoice date "${doc.issuedAt}" is not an ISO instant`);
  if (doc.reference.paidAt !== null && Number.isNaN(Date.parse(doc.reference.paidAt))) {
    problem('reference/paidAt', `The payment time "${doc.reference.paidAt}" is not an ISO instant`);
  }
  if (doc.lines.length === 0) problem('lines', 'The invoice has no lines');
  const absent: TaxKey[] = doc.supplyType === 'intra_state' ? ['igst'] : ['cgst', 'sgst'];
  doc.lines.forEach((line, i) => {
    const taxes = (['cgst', 'sgst', 'igst'] as const).map((t) => line[t].amountPaise);
    if (![line.taxablePaise, line.totalPaise, ...taxes].every(isPaise)) problem(`lines/${i}`, `Line ${i + 1} has an amount that is not whole, non-negative paise`);
    else if (line.totalPaise !== line.taxablePaise + taxes.reduce((s, t) => s + t, 0)) problem(`lines/${i}/totalPaise`, `Line ${i + 1} does not add up`);
    for (const t of absent) {
      if (line[t].amountPaise !== 0) problem(`lines/${i}/${t}`, `Line ${i + 1} charges ${TAX_NAMES[t]} on an ${doc.supplyType.replace('_', '-')} supply`);
    }
  });
  const sum = (f: (l: FeeLine) => number) => doc.lines.reduce((s, l) => s + f(l), 0);
  const t = doc.totals;
  const expected: [keyof FeeQuote['totals'], number][] = [
    ['taxablePaise', sum((l) => l.taxablePaise)],
    ['cgstPaise', sum((l) => l.cgst.amountPaise)],
    ['sgstPaise', sum((l) => l.sgst.amountPaise)],
    ['igstPaise', sum((l) => l.igst.amountPaise)],
    ['taxPaise', t.cgstPaise + t.sgstPaise + t.igstPaise],
    ['totalPaise', t.taxablePaise + t.taxPaise],
  ];
  for (const [key, value] of expected) {
    if (t[key] !== value) problem(`totals/${key}`, `The invoice's ${key} is ${t[key]} where its parts add up to ${value}`);
  }
  const sameState = doc.placeOfSupply.gstStateCode === doc.supplier.gstStateCode;
  if (doc.supplyType === 'intra_state' && (doc.recipient.isSez || !sameState)) {
    problem('supplyType', doc.recipient.isSez ? 'A supply to an SEZ unit is inter-state (IGST)' : 'An intra-state supply must have its place of supply in the supplier’s state');
  }
  if (doc.supplyType === 'inter_state' && !doc.recipient.isSez && sameState) {
    problem('supplyType', 'An inter-state supply to a unit outside an SEZ must have its place of supply outside the supplier’s state');
  }
  return problems;
}

// ---- blocks: measured first, then drawn where they fit ----

/** A piece of a block that knows its height before it is drawn. */
interface Row {
  height: number;
  draw(page: PDFPage, x: number, top: number): void;
}

const sumHeights = (rows: Row[]) => rows.reduce((s, r) => s + r.height, 0);

function drawRows(page: PDFPage, rows: Row[], x: number, top: number): void {
  let y = top;
  for (const row of rows) {
    row.draw(page, x, y);
    y -= row.height;
  }
}

function textRow(text: string, style: TextStyle, width: number, opts: { maxLines?: number; align?: Align } = {}): Row {
  const lines = wrapText(text, style, width, opts.maxLines);
  return { height: lines.length * lineHeight(style), draw: (page, x, top) => drawLines(page, lines, { x, top, width }, style, opts.align ?? 'left') };
}

function gap(height: number): Row {
  return { height, draw: () => undefined };
}

/** Baseline of the first line drawLines puts below `top`. */
function firstBaseline(top: number, style: TextStyle): number {
  return top - (lineHeight(style) - style.size) / 2 - style.size * 0.8;
}

/** "Label   value" with the value wrapped in its own column, label and value on one baseline. */
function fieldRow(s: Styles, label: string, value: string, width: number, labelW: number, valueStyle: TextStyle = s.body): Row {
  const lines = wrapText(value, valueStyle, width - labelW, 3);
  return {
    height: lines.length * lineHeight(valueStyle),
    draw: (page, x, top) => {
      drawLine(page, label, x, firstBaseline(top, valueStyle), s.fieldLabel);
      drawLines(page, lines, { x: x + labelW, top, width: width - labelW }, valueStyle);
    },
  };
}

type Field = [label: string, value: string, style?: TextStyle];

/** Fields of boxes stacked in one column share a label width, so their values line up. */
function fieldColumns(s: Styles, boxes: Field[][], width: number): Row[][] {
  const labelW = Math.max(...boxes.flat().map(([label]) => measureText(label, s.fieldLabel))) + 8;
  return boxes.map((fields) => fields.map(([label, value, style]) => fieldRow(s, label, value, width, labelW, style)));
}

// ---- pages ----

interface Ctx {
  pdf: PDFDocument;
  doc: TaxInvoiceDocument;
  s: Styles;
  rupee: string;
  pages: PDFPage[];
  page: PDFPage;
  /** top of the free space on the current page */
  y: number;
}

function rect(page: PDFPage, x: number, y: number, w: number, h: number, opts: { fill?: RGB; border?: boolean } = {}): void {
  page.drawRectangle({
    x,
    y,
    width: w,
    height: h,
    ...(opts.fill ? { color: opts.fill } : {}),
    ...(opts.border === false ? {} : { borderColor: FRAME, borderWidth: 0.6 }),
  });
}

function hline(page: PDFPage, x1: number, x2: number, y: number, color: RGB = FRAME, thickness = 0.6): void {
  page.drawLine({ start: { x: x1, y }, end: { x: x2, y }, thickness, color });
}

function vline(page: PDFPage, x: number, y1: number, y2: number): void {
  page.drawLine({ start: { x, y: y1 }, end: { x, y: y2 }, thickness: 0.6, color: FRAME });
}

/** A continuation page, headed with the invoice number. */
function newPage(ctx: Ctx): void {
  ctx.page = ctx.pdf.addPage([PAGE_W, PAGE_H]);
  ctx.pages.push(ctx.page);
  const style = { ...ctx.s.bodyBold, color: ACCENT };
  drawLines(ctx.page, [`TAX INVOICE ${ctx.doc.number} (continued)`], { x: MARGIN, top: PAGE_H - MARGIN, width: CONTENT_W }, style);
  ctx.y = PAGE_H - MARGIN - lineHeight(style) - 8;
}

/** Starts a new page unless `height` fits below the current position. */
function ensureRoom(ctx: Ctx, height: number): void {
  if (ctx.y - height < FLOW_BOTTOM) newPage(ctx);
}

function drawTitle(ctx: Ctx): void {
  const { s } = ctx;
  const rows = [gap(2), textRow('TAX INVOICE', s.title, CONTENT_W, { align: 'center' }), gap(1), textRow('Receipt of payment', s.subtitle, CONTENT_W, { align: 'center' }), gap(10)];
  drawRows(ctx.page, rows, MARGIN, ctx.y);
  ctx.y -= sumHeights(rows);
}

/** Two boxes side by side, as high as the taller content. */
function drawBoxPair(ctx: Ctx, left: Row[], right: Row[]): void {
  const h = Math.max(sumHeights(left), sumHeights(right)) + 2 * PAD;
  ensureRoom(ctx, h);
  rect(ctx.page, MARGIN, ctx.y - h, LEFT_W, h);
  rect(ctx.page, MARGIN + LEFT_W, ctx.y - h, RIGHT_W, h);
  drawRows(ctx.page, left, MARGIN + PAD, ctx.y - PAD);
  drawRows(ctx.page, right, MARGIN + LEFT_W + PAD, ctx.y - PAD);
  ctx.y -= h;
}

function addressRow(s: Styles, lines: string[], width: number): Row {
  return textRow(lines.filter((l) => l.trim()).join('\n'), s.body, width, { maxLines: MAX_ADDRESS_LINES });
}

function partiesAndDetails(ctx: Ctx): void {
  const { doc, s } = ctx;
  const lw = LEFT_W - 2 * PAD;
  const rw = RIGHT_W - 2 * PAD;
  const { supplier: sup, recipient: rec, reference: ref } = doc;
  const issued = istParts(doc.issuedAt);

  const [supplierFields = [], recipientFields = []] = fieldColumns(
    s,
    [
      [['GSTIN', sup.gstin, s.bodyBold], ['State', `${sup.state} (${sup.gstStateCode})`], ['E-mail', sup.email], ['Phone', sup.phone]],
      [['IEC', rec.iec, s.bodyBold], ['GSTIN', rec.gstin ?? 'Unregistered', s.bodyBold], ['State', `${rec.state} (${rec.gstStateCode})`]],
    ],
    lw,
  );
  const payment: Field[] = [
    ['Application No.', ref.applicationNumber, s.bodyBold],
    ['Agreement', ref.agreement],
    ['Paid by', ref.paymentMethod === 'gateway' ? 'Payment gateway' : 'E-wallet'],
    ['Order ID', ref.orderId],
  ];
  if (ref.gatewayTxnId) payment.push(['Transaction ID', ref.gatewayTxnId]);
  if (ref.paidAt) {
    const paid = istParts(ref.paidAt);
    payment.push(['Paid at', `${paid.date} ${paid.time} IST`]);
  }
  const [detailFields = [], paymentFields = []] = fieldColumns(
    s,
    [
      [
        ['Invoice No.', doc.number, s.bodyBold],
        ['Invoice date', issued.date],
        ['Supply', doc.supplyType === 'intra_state' ? 'Intra-state (CGST + SGST)' : 'Inter-state (IGST)'],
        ['Place of supply', `${doc.placeOfSupply.state} (${doc.placeOfSupply.gstStateCode})`],
      ],
      payment,
    ],
    rw,
  );

  drawBoxPair(
    ctx,
    [
      textRow('SUPPLIER', s.heading, lw),
      gap(2),
      textRow(sup.agencyName, s.name, lw, { maxLines: MAX_NAME_LINES }),
      textRow(sup.officeName, s.bodyBold, lw, { maxLines: MAX_NAME_LINES }),
      addressRow(s, sup.address, lw),
      gap(3),
      ...supplierFields,
    ],
    [textRow('INVOICE', s.heading, rw), gap(2), ...detailFields],
  );
  drawBoxPair(
    ctx,
    [
      textRow('BILLED TO', s.heading, lw),
      gap(2),
      textRow(rec.name, s.name, lw, { maxLines: MAX_NAME_LINES }),
      addressRow(s, rec.address, lw),
      gap(3),
      ...recipientFields,
      ...(rec.isSez ? [gap(2), textRow('Supply to an SEZ unit (IGST)', { ...s.bodyBold, color: ACCENT }, lw)] : []),
    ],
    [textRow('PAYMENT RECEIVED', s.heading, rw), gap(2), ...paymentFields],
  );
  ctx.y -= 10;
}

// ---- the fee table ----

interface Column {
  header: string;
  /** the tax a rate/amount column belongs to, printed above both */
  group?: string;
  width: number;
  align: Align;
  x: number;
}

interface TableRow {
  cells: string[][];
  height: number;
  bold: boolean;
}

function tableColumns(ctx: Ctx): Column[] {
  const r = ctx.rupee;
  const fixed: Omit<Column, 'x'>[] = [
    { header: 'S.No.', width: 26, align: 'center' },
    { header: 'Description', width: 0, align: 'left' },
    { header: 'SAC', width: 40, align: 'center' },
    { header: `Taxable value (${r})`, width: 62, align: 'right' },
    ...taxesOf(ctx.doc).flatMap((t): Omit<Column, 'x'>[] => [
      { header: 'Rate', group: TAX_NAMES[t], width: 30, align: 'right' },
      { header: `Amount (${r})`, group: TAX_NAMES[t], width: 56, align: 'right' },
    ]),
    { header: `Total (${r})`, width: 64, align: 'right' },
  ];
  const rest = CONTENT_W - fixed.reduce((s, c) => s + c.width, 0);
  let x = MARGIN;
  return fixed.map((c) => {
    const col = { ...c, width: c.width || rest, x };
    x += col.width;
    return col;
  });
}

function tableRow(ctx: Ctx, columns: Column[], texts: string[], bold: boolean): TableRow {
  const style = bold ? ctx.s.cellBold : ctx.s.cell;
  const cells = columns.map((c, i) => wrapText(texts[i] ?? '', style, c.width - 2 * CELL_PAD, MAX_DESCRIPTION_LINES));
  return { cells, height: Math.max(...cells.map((l) => l.length)) * lineHeight(style) + 2 * ROW_PAD, bold };
}

function tableRows(ctx: Ctx, columns: Column[]): TableRow[] {
  const { doc } = ctx;
  const taxes = taxesOf(doc);
  const rows = doc.lines.map((line, i) =>
    tableRow(
      ctx,
      columns,
      [
        String(i + 1),
        line.description,
        line.sacCode,
        indianAmount(line.taxablePaise),
        ...taxes.flatMap((t) => [percent(line[t].rateBasisPoints), indianAmount(line[t].amountPaise)]),
        indianAmount(line.totalPaise),
      ],
      false,
    ),
  );
  const t = doc.totals;
  rows.push(
    tableRow(ctx, columns, ['', 'Total', '', indianAmount(t.taxablePaise), ...taxes.flatMap((k) => ['', indianAmount(t[TAX_TOTALS[k]])]), indianAmount(t.totalPaise)], true),
  );
  return rows;
}

interface HeaderLayout {
  height: number;
  /** height of the tier that names the tax above its rate and amount columns */
  groupH: number;
}

function headerLayout(ctx: Ctx, columns: Column[]): HeaderLayout {
  const lh = lineHeight(ctx.s.head);
  const linesOf = (c: Column) => wrapText(c.header, ctx.s.head, c.width - 2 * CELL_PAD).length;
  const groupH = lh + 2 * ROW_PAD;
  const grouped = Math.max(0, ...columns.filter((c) => c.group).map(linesOf)) * lh + 2 * ROW_PAD;
  const spanning = Math.max(...columns.filter((c) => !c.group).map(linesOf)) * lh + 2 * ROW_PAD;
  return { height: Math.max(groupH + grouped, spanning), groupH };
}

/** Draws the header at the current position; every header is centred in its cell. */
function drawTableHeader(ctx: Ctx, columns: Column[], hl: HeaderLayout): void {
  const { page, s } = ctx;
  const top = ctx.y;
  const lh = lineHeight(s.head);
  rect(page, MARGIN, top - hl.height, CONTENT_W, hl.height, { fill: TINT, border: false });
  const centred = (text: string, x: number, width: number, cellTop: number, cellH: number) => {
    const lines = wrapText(text, s.head, width - 2 * CELL_PAD);
    drawLines(page, lines, { x: x + CELL_PAD, top: cellTop - (cellH - lines.length * lh) / 2, width: width - 2 * CELL_PAD }, s.head, 'center');
  };
  for (const c of columns) {
    if (c.group) centred(c.header, c.x, c.width, top - hl.groupH, hl.height - hl.groupH);
    else centred(c.header, c.x, c.width, top, hl.height);
  }
  for (const group of new Set(columns.flatMap((c) => (c.group ? [c.group] : [])))) {
    const members = columns.filter((c) => c.group === group);
    const x = members[0]?.x ?? MARGIN;
    const width = members.reduce((sum, c) => sum + c.width, 0);
    centred(group, x, width, top, hl.groupH);
    hline(page, x, x + width, top - hl.groupH, RULE, 0.5);
  }
  hline(page, MARGIN, MARGIN + CONTENT_W, top - hl.height);
  ctx.y -= hl.height;
}

/** Frame and column rules of the part of the table drawn on one page. */
function closeTableSegment(ctx: Ctx, columns: Column[], hl: HeaderLayout, top: number): void {
  rect(ctx.page, MARGIN, ctx.y, CONTENT_W, top - ctx.y);
  columns.forEach((c, i) => {
    if (i === 0) return;
    // inside a tax group, the rule between rate and amount stops under the tax's name
    const sameGroup = c.group !== undefined && columns[i - 1]?.group === c.group;
    vline(ctx.page, c.x, sameGroup ? top - hl.groupH : top, ctx.y);
  });
}

/** The lines and the totals row; rows never split, and the header repeats on every page. */
function drawTable(ctx: Ctx): void {
  const columns = tableColumns(ctx);
  const rows = tableRows(ctx, columns);
  const hl = headerLayout(ctx, columns);
  ensureRoom(ctx, hl.height + (rows[0]?.height ?? 0));
  let top = ctx.y;
  drawTableHeader(ctx, columns, hl);
  rows.forEach((row, i) => {
    if (ctx.y - row.height < FLOW_BOTTOM) {
      closeTableSegment(ctx, columns, hl, top);
      newPage(ctx);
      top = ctx.y;
      drawTableHeader(ctx, columns, hl);
    } else if (i > 0) {
      hline(ctx.page, MARGIN, MARGIN + CONTENT_W, ctx.y, row.bold ? FRAME : RULE, row.bold ? 0.6 : 0.4);
    }
    if (row.bold) rect(ctx.page, MARGIN, ctx.y - row.height, CONTENT_W, row.height, { fill: TINT, border: false });
    const style = row.bold ? ctx.s.cellBold : ctx.s.cell;
    row.cells.forEach((lines, ci) => {
      const c = columns[ci];
      if (c) drawLines(ctx.page, lines, { x: c.x + CELL_PAD, top: ctx.y - ROW_PAD, width: c.width - 2 * CELL_PAD }, style, c.align);
    });
    ctx.y -= row.height;
  });
  closeTableSegment(ctx, columns, hl, top);
  ctx.y -= 10;
}

// ---- totals in words and figures, declarations ----

function drawSummary(ctx: Ctx): void {
  const { doc, s, rupee } = ctx;
  const t = doc.totals;
  const wordsW = CONTENT_W - SUMMARY_W - 16;
  const words: Row[] = [textRow('Amount in words:', s.fieldLabel, wordsW), gap(1), textRow(rupeesInWords(t.totalPaise), s.bodyBold, wordsW)];
  const money = (paise: number) => `${rupee} ${indianAmount(paise)}`;
  const amountRow = (label: string, paise: number, labelStyle: TextStyle, style: TextStyle): Row => ({
    height: lineHeight(style),
    draw: (page, x, top) => {
      drawLine(page, label, x, firstBaseline(top, style), labelStyle);
      drawLines(page, [money(paise)], { x, top, width: SUMMARY_W }, style, 'right');
    },
  });
  const figures: Row[] = [
    amountRow('Taxable value', t.taxablePaise, s.fieldLabel, s.body),
    ...taxesOf(doc).map((k) => amountRow(TAX_NAMES[k], t[TAX_TOTALS[k]], s.fieldLabel, s.body)),
    gap(3),
    { height: 4, draw: (page, x, top) => hline(page, x, x + SUMMARY_W, top - 1) },
    amountRow('Invoice total', t.totalPaise, s.total, s.total),
  ];
  const h = Math.max(sumHeights(words), sumHeights(figures));
  ensureRoom(ctx, h);
  drawRows(ctx.page, words, MARGIN, ctx.y);
  drawRows(ctx.page, figures, MARGIN + CONTENT_W - SUMMARY_W, ctx.y);
  ctx.y -= h + 12;

  const closing: Row[] = [
    textRow('Whether tax is payable on reverse charge: No', s.body, CONTENT_W),
    gap(3),
    textRow(
      `Received ${money(t.totalPaise)} from ${doc.recipient.name} by ${doc.reference.paymentMethod === 'gateway' ? 'payment gateway' : 'e-wallet'} ` +
        `(order ${doc.reference.orderId}), the fee for application ${doc.reference.applicationNumber}.`,
      s.body,
      CONTENT_W,
      { maxLines: 4 },
    ),
  ];
  ensureRoom(ctx, sumHeights(closing));
  drawRows(ctx.page, closing, MARGIN, ctx.y);
  ctx.y -= sumHeights(closing);
}

/** Drawn once every page exists, for "Page i of n". */
function drawFooters(ctx: Ctx, seal: TaxInvoiceSigner | null): void {
  const { s } = ctx;
  const text = `Computer-generated tax invoice.${seal ? ` Digitally sealed by ${seal.name}.` : ''}`;
  const pageW = 60;
  const lines = wrapText(text, s.small, CONTENT_W - pageW - 8, 2);
  const top = MARGIN + FOOTER_H - 8;
  ctx.pages.forEach((page, i) => {
    hline(page, MARGIN, MARGIN + CONTENT_W, MARGIN + FOOTER_H - 4, RULE, 0.5);
    drawLines(page, lines, { x: MARGIN, top, width: CONTENT_W - pageW - 8 }, s.small);
    drawLines(page, [`Page ${i + 1} of ${ctx.pages.length}`], { x: MARGIN + CONTENT_W - pageW, top, width: pageW }, s.small, 'right');
  });
}

/**
 * Renders the invoice; seals it with `seal` when given (the office's e-seal, as a PAdES-style
 * signature with an invisible widget), else leaves it unsigned. `at` is the signing time and the
 * document's creation date: pass the invoice's issuedAt so a retry yields the same document metadata.
 */
export async function renderTaxInvoicePdf(doc: TaxInvoiceDocument, seal: TaxInvoiceSigner | null, at: Date): Promise<RenderedTaxInvoice> {
  const problems = taxInvoiceProblems(doc);
  if (problems.length > 0) {
    throw new AppError(ErrorCode.ValidationFailed, `The tax invoice ${doc.number} cannot be drawn: ${problems.map((p) => p.message).join('; ')}`, { problems });
  }

  const pdf = await PDFDocument.create({ updateMetadata: false });
  useNativeDeflate(pdf);
  const fonts = await embedCertificateFonts(pdf, hasDevanagari(JSON.stringify(doc)));
  const first = pdf.addPage([PAGE_W, PAGE_H]);
  const ctx: Ctx = { pdf, doc, s: makeStyles(fonts), rupee: rupeeSign(), pages: [first], page: first, y: PAGE_H - MARGIN };

  drawTitle(ctx);
  partiesAndDetails(ctx);
  drawTable(ctx);
  drawSummary(ctx);
  drawFooters(ctx, seal);
  compressPageContents(pdf);

  pdf.setTitle(`Tax invoice ${doc.number}`, { showInWindowTitleBar: true });
  pdf.setSubject(`GST tax invoice and receipt for the fee of application ${doc.reference.applicationNumber}`);
  pdf.setAuthor(doc.supplier.officeName);
  pdf.setKeywords([doc.number, doc.reference.applicationNumber, doc.recipient.iec, 'tax invoice']);
  pdf.setCreator('CoO back-office');
  pdf.setProducer('CoO back-office (pdf-lib)');
  pdf.setCreationDate(at);
  pdf.setModificationDate(at);
  pdf.setLanguage('en');

  let bytes: Buffer;
  if (seal) {
    bytes = await signPdfDocument(pdf, seal.signer, {
      reason: `Tax invoice ${doc.number} for application ${doc.reference.applicationNumber}`,
      location: seal.location,
      contactInfo: seal.contactInfo,
      name: seal.name,
      signingTime: at,
      widget: { page: 0, rect: [0, 0, 0, 0] },
    });
  } else {
    const saved = await pdf.save();
    bytes = Buffer.from(saved.buffer, saved.byteOffset, saved.byteLength);
  }
  return { pdf: bytes, sha256: createHash('sha256').update(bytes).digest('hex'), pageCount: ctx.pages.length, sealed: seal !== null };
}
