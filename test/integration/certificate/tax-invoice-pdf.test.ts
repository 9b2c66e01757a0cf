import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTaxInvoicePdf, type TaxInvoiceDocument, type TaxInvoiceSigner } from '../../../services/payment/tax-invoice-pdf.js';
import { calculateFee, type FeeLine } from '../../../domain/fees/calculate-fee.js';
import { loadIecMaster, loadReferenceData } from '../../../domain/reference/load.js';
import { indexIecMaster, indexReferenceData } from '../../../domain/reference/reference-index.js';
import type { Address } from '../../../domain/reference/types.js';
import { AppError, ErrorCode } from '../../../lib/errors.js';
import { createCertificateTestEnv, pdfsig, runTool, type CertificateTestEnv } from './helpers.js';

const reference = indexReferenceData(await loadReferenceData());
const master = indexIecMaster(await loadIecMaster());

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fixture: ${what} is missing`);
  return value;
}

const addressLines = (a: Address): string[] => [a.line1, a.line2 ?? '', `${a.city} ${a.pincode}`].filter((l) => l.length > 0);

/**
 * The invoice for a duplicate certificate under IKCEPA filed at EIC Mumbai with delivery at the
 * premises (600 + 150, GST 18%), billed to a branch of an exporter in the IEC master: RAJ KUMAR
 * EXPORTS' Mumbai branch (intra-state), its Chennai branch (inter-state), or Kandla Agro's SEZ unit.
 */
function invoiceFor(iec: string, branchCode: string, overrides: Partial<TaxInvoiceDocument> = {}): TaxInvoiceDocument {
  const office = need(reference.office('EIC-MUM'), 'office EIC-MUM');
  const agency = need(reference.agency('EIC'), 'agency EIC');
  const agreement = need(reference.agreement('IKCEPA'), 'agreement IKCEPA');
  const exporter = need(master.byIec(iec), `IEC ${iec}`);
  const branch = need(exporter.branches.find((b) => b.branchCode === branchCode), `branch ${iec}/${branchCode}`);
  const quote = calculateFee(reference, {
    agencyCode: 'EIC',
    agreementCode: 'IKCEPA',
    officeCode: 'EIC-MUM',
    kind: 'duplicate',
    deliveryRequested: true,
    exporterBranch: branch,
  });
  return {
    number: 'EIC-MUM/TI/2026-27/000012',
    issuedAt: '2026-06-02T05:30:00.000Z',
    supplyType: quote.supplyType,
    placeOfSupply: { state: branch.state, gstStateCode: branch.gstStateCode },
    supplier: {
      agencyName: agency.name,
      officeName: office.name,
      address: addressLines(office.address),
      gstin: office.gstin,
      state: office.state,
      gstStateCode: office.gstStateCode,
      email: office.email,
      phone: office.phone,
    },
    recipient: {
      name: exporter.firmName,
      iec: exporter.iec,
      address: addressLines(branch.address),
      gstin: branch.gstin,
      state: branch.state,
      gstStateCode: branch.gstStateCode,
      isSez: branch.isSez,
    },
    reference: {
      applicationNumber: 'COOAPPLY00000345AM26',
      agreement: agreement.title,
      paymentMethod: 'gateway',
      orderId: 'COOAPPLY00000345AM26-P1',
      gatewayTxnId: 'SBXMB3K9Q2A7F41C9',
      paidAt: '2026-06-02T05:28:41.000Z',
    },
    lines: quote.lines,
    totals: quote.totals,
    ...overrides,
  };
}

/** The same invoice with other lines, and totals that add them up. */
function withLines(doc: TaxInvoiceDocument, lines: FeeLine[]): TaxInvoiceDocument {
  const sum = (f: (l: FeeLine) => number) => lines.reduce((s, l) => s + f(l), 0);
  const cgstPaise = sum((l) => l.cgst.amountPaise);
  const sgstPaise = sum((l) => l.sgst.amountPaise);
  const igstPaise = sum((l) => l.igst.amountPaise);
  return {
    ...doc,
    lines,
    totals: {
      taxablePaise: sum((l) => l.taxablePaise),
      cgstPaise,
      sgstPaise,
      igstPaise,
      taxPaise: cgstPaise + sgstPaise + igstPaise,
      totalPaise: sum((l) => l.totalPaise),
    },
  };
}

const squash = (text: string) => text.replace(/\s+/g, ' ');

let env: CertificateTestEnv;
let seal: TaxInvoiceSigner;

beforeAll(async () => {
  env = await createCertificateTestEnv('coo-tax-invoice');
  seal = { signer: env.eseal, name: 'e-seal of EIC Mumbai', location: 'Mumbai, INDIA', contactInfo: 'coo.mumbai@eicindia.example' };
}, 120_000);
afterAll(async () => env?.cleanup());

async function save(name: string, pdf: Buffer): Promise<string> {
  const file = join(env.dir, name);
  await writeFile(file, pdf);
  return file;
}

/**
 * The text twice: as laid out on the page (`-layout`: one table row per line, boxes side by side) and
 * in drawing order (`-raw`), whitespace squashed, where wrapped text reads as one phrase.
 */
async function pdftotext(file: string): Promise<{ layout: string; flat: string }> {
  const [layout, raw] = await Promise.all(['-layout', '-raw'].map((mode) => runTool('pdftotext', [mode, '-enc', 'UTF-8', file, '-'])));
  if (!layout || !raw || layout.code !== 0 || raw.code !== 0) throw new Error(`pdftotext failed: ${layout?.stderr ?? ''}${raw?.stderr ?? ''}`);
  return { layout: layout.stdout, flat: squash(raw.stdout) };
}

interface WordBox {
  page: number;
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Every word with its box (pdftotext -bbox), and each page's size. */
async function wordBoxes(file: string): Promise<{ pages: { width: number; height: number }[]; words: WordBox[] }> {
  const r = await runTool('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-']);
  const pages: { width: number; height: number }[] = [];
  const words: WordBox[] = [];
  for (const m of r.stdout.matchAll(/<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
    if (m[1] !== undefined) pages.push({ width: Number(m[1]), height: Number(m[2]) });
    else words.push({ page: pages.length - 1, text: m[7] ?? '', xMin: Number(m[3]), yMin: Number(m[4]), xMax: Number(m[5]), yMax: Number(m[6]) });
  }
  return { pages, words };
}

/**
 * Words drawn over one another. pdftotext's boxes span the font's whole ascent and descent, taller
 * than the line advance, so only the middle half of each box (vertically) counts.
 */
function overlappingWords(words: WordBox[]): string[] {
  const core = (w: WordBox) => {
    const quarter = (w.yMax - w.yMin) / 4;
    return { x1: w.xMin + 0.5, x2: w.xMax - 0.5, y1: w.yMin + quarter, y2: w.yMax - quarter };
  };
  const clashes: string[] = [];
  words.forEach((a, i) => {
    const ca = core(a);
    for (const b of words.slice(i + 1)) {
      if (b.page !== a.page) continue;
      const cb = core(b);
      if (ca.x1 < cb.x2 && cb.x1 < ca.x2 && ca.y1 < cb.y2 && cb.y1 < ca.y2) clashes.push(`"${a.text}" / "${b.text}" on page ${a.page + 1}`);
    }
  });
  return clashes;
}

/** Words outside the 36 pt margins (a little slack for glyph overhang). */
function wordsOutsideMargins(boxes: Awaited<ReturnType<typeof wordBoxes>>): string[] {
  return boxes.words
    .filter((w) => {
      const p = boxes.pages[w.page];
      return !p || w.xMin < 34 || w.yMin < 34 || w.xMax > p.width - 34 || w.yMax > p.height - 34;
    })
    .map((w) => `"${w.text}" on page ${w.page + 1} at ${w.xMin},${w.yMin}–${w.xMax},${w.yMax}`);
}

describe('GST tax invoice PDF, read back with poppler', () => {
  it('intra-state (Mumbai branch of AAACR5055K at EIC Mumbai): CGST + SGST, no IGST, the totals and the amount in words', async () => {
    const doc = invoiceFor('AAACR5055K', '01');
    expect(doc.supplyType).toBe('intra_state');
    const rendered = await renderTaxInvoicePdf(doc, null, new Date(doc.issuedAt));
    expect(rendered.sealed).toBe(false);
    expect(rendered.pageCount).toBe(1);
    const file = await save('intra.pdf', rendered.pdf);
    const { layout, flat } = await pdftotext(file);

    expect(flat).toContain('TAX INVOICE Receipt of payment');
    // supplier, from the reference data
    expect(flat).toContain(
      'SUPPLIER Export Inspection Council of India EIC - Mumbai (Regional Office) Mittal Chambers, 6th Floor Nariman Point Mumbai 400021 ' +
        'GSTIN 27AAAGE0486K1ZB State Maharashtra (27) E-mail coo.mumbai@eicindia.example Phone +91 22 2202 0001',
    );
    // number, date (India time), place of supply
    expect(flat).toContain('Invoice No. EIC-MUM/TI/2026-27/000012 Invoice date 02/06/2026 Supply Intra-state (CGST + SGST) Place of supply Maharashtra (27)');
    // recipient, from the IEC master
    expect(flat).toContain(
      'BILLED TO RAJ KUMAR EXPORTS PRIVATE LIMITED Unit 7, Marol Industrial Estate Andheri East Mumbai 400059 IEC AAACR5055K GSTIN 27AAACR5055K1Z7 State Maharashtra (27)',
    );
    expect(flat).not.toContain('SEZ');
    // payment reference
    expect(flat).toContain(
      'PAYMENT RECEIVED Application No. COOAPPLY00000345AM26 Agreement India Korea CEPA Paid by Payment gateway Order ID COOAPPLY00000345AM26-P1 ' +
        'Transaction ID SBXMB3K9Q2A7F41C9 Paid at 02/06/2026 10:58 IST',
    );
    // the table: CGST and SGST at 9% each, no IGST column
    expect(layout).toMatch(/CGST\s+SGST/);
    expect(layout).not.toContain('IGST');
    expect(layout).toMatch(/Rate\s+Amount \(₹\)\s+Rate\s+Amount \(₹\)/);
    expect(layout).toMatch(/^\s*1\s+Duplicate\/in-lieu Certificate of Origin fee\s+998399\s+600\.00\s+9%\s+54\.00\s+9%\s+54\.00\s+708\.00$/m);
    expect(flat).toContain("2 Delivery of the certificate at the exporter's premises 996812 150.00 9% 13.50 9% 13.50 177.00");
    expect(layout).toMatch(/^\s*Total\s+750\.00\s+67\.50\s+67\.50\s+885\.00$/m);
    expect(flat).toContain('Amount in words: Rupees Eight Hundred Eighty-Five Only');
    expect(flat).toContain('Taxable value ₹ 750.00 CGST ₹ 67.50 SGST ₹ 67.50 Invoice total ₹ 885.00');
    expect(flat).toContain('Whether tax is payable on reverse charge: No');
    expect(flat).toContain('Received ₹ 885.00 from RAJ KUMAR EXPORTS PRIVATE LIMITED by payment gateway');
    expect(flat).toContain('Computer-generated tax invoice. Page 1 of 1');
    expect(flat).not.toContain('Digitally sealed');

    const boxes = await wordBoxes(file);
    expect(boxes.words.length).toBeGreaterThan(150);
    expect(wordsOutsideMargins(boxes)).toEqual([]);
    expect(overlappingWords(boxes.words)).toEqual([]);
  });

  it('inter-state (Chennai branch of the same exporter): IGST only', async () => {
    const doc = invoiceFor('AAACR5055K', '02');
    expect(doc.supplyType).toBe('inter_state');
    const rendered = await renderTaxInvoicePdf(doc, null, new Date(doc.issuedAt));
    const file = await save('inter.pdf', rendered.pdf);
    const { layout, flat } = await pdftotext(file);
    expect(flat).toContain('GSTIN 33AAACR5055K1ZE State Tamil Nadu (33)');
    expect(flat).toContain('Supply Inter-state (IGST) Place of supply Tamil Nadu (33)');
    expect(layout).toContain('IGST');
    expect(layout).not.toMatch(/CGST|SGST/);
    expect(layout).toMatch(/^\s*1\s+Duplicate\/in-lieu Certificate of Origin fee\s+998399\s+600\.00\s+18%\s+108\.00\s+708\.00$/m);
    expect(layout).toMatch(/^\s*2\s+Delivery of the certificate at the exporter's premises\s+996812\s+150\.00\s+18%\s+27\.00\s+177\.00$/m);
    expect(layout).toMatch(/^\s*Total\s+750\.00\s+135\.00\s+885\.00$/m);
    expect(flat).toContain('Taxable value ₹ 750.00 IGST ₹ 135.00 Invoice total ₹ 885.00');
    expect(flat).toContain('Amount in words: Rupees Eight Hundred Eighty-Five Only');
    const boxes = await wordBoxes(file);
    expect(wordsOutsideMargins(boxes)).toEqual([]);
    expect(overlappingWords(boxes.words)).toEqual([]);
  });

  it('a supply to an SEZ unit in the supplier’s state is inter-state and says so', async () => {
    const doc = invoiceFor('AAHCK2290P', '02', { placeOfSupply: { state: 'Maharashtra', gstStateCode: '27' } });
    expect(doc.recipient.isSez).toBe(true);
    expect(doc.supplyType).toBe('inter_state');
    const { layout, flat } = await pdftotext(await save('sez.pdf', (await renderTaxInvoicePdf(doc, null, new Date(doc.issuedAt))).pdf));
    expect(flat).toContain('KANDLA AGRO EXPORTS PRIVATE LIMITED Shed 112, Kandla Special Economic Zone Gandhidham 370230');
    expect(flat).toContain('State Gujarat (24) Supply to an SEZ unit (IGST)');
    expect(layout).not.toMatch(/CGST|SGST/);
  });

  it('prints "Unregistered" for a recipient without GSTIN, paise in words, Indian digit grouping, and the e-wallet', async () => {
    const base = invoiceFor('AAACR5055K', '01');
    const [fee] = base.lines;
    if (!fee) throw new Error('no fee line');
    // ₹ 12,34,567.89 taxable; CGST and SGST 9% each = 1,11,111.11 (rounded per tax)
    const big: FeeLine = {
      ...fee,
      taxablePaise: 123456789,
      cgst: { rateBasisPoints: 900, amountPaise: 11111111 },
      sgst: { rateBasisPoints: 900, amountPaise: 11111111 },
      totalPaise: 123456789 + 2 * 11111111,
    };
    const doc = withLines(
      {
        ...base,
        recipient: { ...base.recipient, gstin: null },
        reference: { ...base.reference, paymentMethod: 'ewallet', gatewayTxnId: null },
      },
      [big],
    );
    const { layout, flat } = await pdftotext(await save('unregistered.pdf', (await renderTaxInvoicePdf(doc, null, new Date(doc.issuedAt))).pdf));
    expect(flat).toContain('GSTIN Unregistered');
    expect(flat).toContain('Paid by E-wallet Order ID COOAPPLY00000345AM26-P1 Paid at');
    expect(flat).not.toContain('Transaction ID');
    expect(layout).toMatch(/998399\s+12,34,567\.89\s+9%\s+1,11,111\.11\s+9%\s+1,11,111\.11\s+14,56,790\.11/);
    expect(flat).toContain('Invoice total ₹ 14,56,790.11');
    expect(flat).toContain('Amount in words: Rupees Fourteen Lakh Fifty-Six Thousand Seven Hundred Ninety and Eleven Paise Only');
  });

  it('embeds the Devanagari fonts only when the invoice has Devanagari text', async () => {
    const fontsOf = async (doc: TaxInvoiceDocument, name: string) =>
      (await runTool('pdffonts', [await save(name, (await renderTaxInvoicePdf(doc, null, new Date(doc.issuedAt))).pdf)])).stdout;
    const latin = invoiceFor('AAACR5055K', '01');
    expect(await fontsOf(latin, 'latin.pdf')).not.toContain('Devanagari');
    const hindi = { ...latin, recipient: { ...latin.recipient, name: 'राज कुमार एक्सपोर्ट्स प्राइवेट लिमिटेड' } };
    const fonts = await fontsOf(hindi, 'hindi.pdf');
    expect(fonts).toMatch(/NotoSansDevanagari-Bold/);
    expect(fonts).toMatch(/NotoSans-Regular/);
  });

  it('sets the document metadata from the invoice and `at`', async () => {
    const doc = invoiceFor('AAACR5055K', '01');
    const file = await save('meta.pdf', (await renderTaxInvoicePdf(doc, null, new Date(doc.issuedAt))).pdf);
    const info = (await runTool('pdfinfo', ['-isodates', file])).stdout;
    expect(info).toMatch(/Title:\s+Tax invoice EIC-MUM\/TI\/2026-27\/000012/);
    expect(info).toMatch(/Author:\s+EIC - Mumbai \(Regional Office\)/);
    expect(info).toMatch(/Creator:\s+CoO back-office/);
    expect(info).toMatch(/CreationDate:\s+2026-06-02T05:30:00(Z|\+00)/);
    expect(info).toMatch(/ModDate:\s+2026-06-02T05:30:00(Z|\+00)/);
    expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
  });

  it('twelve lines with long descriptions and addresses: everything printed, inside the margins, nothing overlapping', async () => {
    const base = invoiceFor('AAACR5055K', '01');
    const [fee, delivery] = base.lines;
    if (!fee || !delivery) throw new Error('expected two fee lines');
    const lines = Array.from({ length: 12 }, (_, i): FeeLine => {
      const line = i % 2 === 0 ? fee : delivery;
      const description =
        i % 3 === 0
          ? `Item ${i + 1}: duplicate/in-lieu Certificate of Origin fee for shipment batch ${i + 1} under the India-Korea Comprehensive Economic Partnership Agreement, as charged by the issuing agency`
          : `Item ${i + 1}: ${line.description}`;
      return { ...line, description };
    });
    const doc = withLines(
      {
        ...base,
        supplier: { ...base.supplier, address: [...base.supplier.address, 'Opposite Vidhan Bhavan, Jamnalal Bajaj Marg, Free Press Journal Marg, Nariman Point Business District'] },
        recipient: {
          ...base.recipient,
          name: 'RAJ KUMAR EXPORTS PRIVATE LIMITED (FORMERLY RAJ KUMAR OVERSEAS TRADING AND MANUFACTURING COMPANY)',
          address: [
            'Unit 7, Ground and First Floors, Marol Industrial Estate Co-operative Society Limited, Behind Seepz Gate No. 3',
            'Off Mahakali Caves Road, Near Marol Naka Metro Station, Andheri East',
            'Mumbai Suburban District, Mumbai 400059',
          ],
        },
      },
      lines,
    );
    const rendered = await renderTaxInvoicePdf(doc, null, new Date(doc.issuedAt));
    expect(rendered.pageCount).toBeGreaterThanOrEqual(1);
    const file = await save('twelve.pdf', rendered.pdf);
    const { flat } = await pdftotext(file);
    for (const [i, line] of lines.entries()) expect(flat).toContain(`${i + 1} ${line.description} ${line.sacCode}`);
    expect(flat).toContain('Mumbai 400021 Opposite Vidhan Bhavan, Jamnalal Bajaj Marg, Free Press Journal Marg, Nariman Point Business District GSTIN');
    expect(flat).toContain(`${doc.recipient.name} ${doc.recipient.address.join(' ')} IEC AAACR5055K`);
    expect(flat).toContain('Total 4,500.00 405.00 405.00 5,310.00');
    expect(flat).toContain('Amount in words: Rupees Five Thousand Three Hundred Ten Only');
    expect(flat).toContain('Whether tax is payable on reverse charge: No');
    for (let p = 1; p <= rendered.pageCount; p++) expect(flat).toContain(`Page ${p} of ${rendered.pageCount}`);
    const boxes = await wordBoxes(file);
    expect(boxes.pages).toHaveLength(rendered.pageCount);
    expect(wordsOutsideMargins(boxes)).toEqual([]);
    expect(overlappingWords(boxes.words)).toEqual([]);
  });

  it('ten short lines fit on one page', async () => {
    const base = invoiceFor('AAACR5055K', '02');
    const doc = withLines(base, Array.from({ length: 10 }, (_, i) => base.lines[i % 2] as FeeLine));
    const rendered = await renderTaxInvoicePdf(doc, null, new Date(doc.issuedAt));
    expect(rendered.pageCount).toBe(1);
  });

  it('refuses an invoice that does not add up or whose taxes contradict the supply type', async () => {
    const doc = invoiceFor('AAACR5055K', '01');
    const wrongTotal = { ...doc, totals: { ...doc.totals, totalPaise: doc.totals.totalPaise + 1 } };
    await expect(renderTaxInvoicePdf(wrongTotal, null, new Date(doc.issuedAt))).rejects.toSatisfy(
      (e: unknown) => e instanceof AppError && e.code === ErrorCode.ValidationFailed && (e.problems ?? []).some((p) => p.path === 'totals/totalPaise'),
    );
    await expect(renderTaxInvoicePdf({ ...doc, supplyType: 'inter_state' }, null, new Date(doc.issuedAt))).rejects.toThrow(/charges CGST on an inter-state supply/);
  });
});

describe('the e-seal on the tax invoice', () => {
  it('is a valid signature over the whole document, named in the footer', async () => {
    // the test PKI's certificates became valid a day ago: seal at (about) now
    const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const doc = invoiceFor('AAACR5055K', '02', { issuedAt: issuedAt.toISOString() });
    const rendered = await renderTaxInvoicePdf(doc, seal, issuedAt);
    expect(rendered.sealed).toBe(true);
    expect(rendered.sha256).toBe(createHash('sha256').update(rendered.pdf).digest('hex'));
    const file = await save('sealed.pdf', rendered.pdf);
    const out = await pdfsig(file);
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Signature Type: ETSI.CAdES.detached');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Signer Certificate Common Name: EIC-MUM e-Seal');
    expect(out).toContain('Signer full Distinguished Name');
    expect(await pdfsig(file, env.nssDir)).toContain('Certificate Validation: Certificate is Trusted.');

    const { flat } = await pdftotext(file);
    expect(flat).toContain('Computer-generated tax invoice. Digitally sealed by e-seal of EIC Mumbai. Page 1 of 1');
    const istDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', day: '2-digit', month: '2-digit', year: 'numeric' }).format(issuedAt);
    expect(flat).toContain(`Invoice date ${istDate}`);
  });

  it('twelve lines on more than one page are sealed as one document', async () => {
    const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const base = invoiceFor('AAACR5055K', '01', { issuedAt: issuedAt.toISOString() });
    const description = 'Certificate of Origin fee for one of many shipments, with a description long enough to wrap over several lines of the table';
    const doc = withLines(base, Array.from({ length: 12 }, (_, i) => ({ ...(base.lines[i % 2] as FeeLine), description })));
    const rendered = await renderTaxInvoicePdf(doc, seal, issuedAt);
    expect(rendered.pageCount).toBeGreaterThan(1);
    const out = await pdfsig(await save('sealed-pages.pdf', rendered.pdf));
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Total document signed');
  });

  it('the unsigned variant carries no signature', async () => {
    const doc = invoiceFor('AAACR5055K', '02');
    const rendered = await renderTaxInvoicePdf(doc, null, new Date(doc.issuedAt));
    expect(rendered.sealed).toBe(false);
    const file = await save('unsigned.pdf', rendered.pdf);
    const out = await pdfsig(file);
    expect(out).toContain('does not contain any signatures');
    expect(out).not.toContain('Signature is Valid');
    expect(rendered.pdf.toString('latin1')).not.toContain('/ByteRange');
  });
});
