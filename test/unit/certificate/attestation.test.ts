import { describe, expect, it } from 'vitest';
import {
  A4,
  ATTESTATION_BLOCK,
  ATTESTATION_MARGIN,
  attestationChoiceProblems,
  attestationLines,
  describePages,
  isAttestable,
  layoutImagePage,
  MIN_SCALE,
  placeOnPage,
  planPdfAttestation,
} from '../../../domain/certificate/attestation.js';

const page = (width: number, height: number, extra: Partial<{ x: number; y: number; rotation: number }> = {}) => ({ x: 0, y: 0, rotation: 0, width, height, ...extra });

describe('where the attestation block goes', () => {
  it('sits at full size in the bottom-right corner of an A4 or Letter page, inside the margins', () => {
    for (const p of [page(A4.width, A4.height), page(612, 792), page(A4.height, A4.width)]) {
      const at = placeOnPage(p)!;
      expect(at.scale).toBe(1);
      expect(at.x + ATTESTATION_BLOCK.width).toBeCloseTo(p.width - ATTESTATION_MARGIN);
      expect(at.y).toBe(ATTESTATION_MARGIN);
    }
  });

  it('is placed within the visible area of a page whose crop box does not start at 0,0', () => {
    const at = placeOnPage(page(A4.width, A4.height, { x: 50, y: 70 }))!;
    expect(at.x + ATTESTATION_BLOCK.width).toBeCloseTo(50 + A4.width - ATTESTATION_MARGIN);
    expect(at.y).toBe(70 + ATTESTATION_MARGIN);
  });

  it('shrinks on a narrow page (A5) but never below the readable scale', () => {
    const a5 = placeOnPage(page(420, 595))!;
    expect(a5.scale).toBeLessThan(1);
    expect(a5.scale).toBeGreaterThanOrEqual(MIN_SCALE);
    expect(a5.x + ATTESTATION_BLOCK.width * a5.scale).toBeCloseTo(420 - ATTESTATION_MARGIN * a5.scale);
    // A6, a receipt strip, a rotated page: no room, or no upright corner
    expect(placeOnPage(page(298, 420))).toBeNull();
    expect(placeOnPage(page(A4.width, 300))).toBeNull();
    expect(placeOnPage(page(A4.width, A4.height, { rotation: 90 }))).toBeNull();
    expect(placeOnPage(page(A4.width, A4.height, { rotation: -360 }))).not.toBeNull();
    expect(placeOnPage(page(0, 0))).toBeNull();
  });

  it('appends one attestation page covering the pages that cannot carry the block, naming them', () => {
    const plan = planPdfAttestation([page(A4.width, A4.height), page(298, 420), page(A4.width, A4.height, { rotation: 270 }), page(A4.width, A4.height), page(200, 200)]);
    expect(plan.pages.map((p) => p !== null)).toEqual([true, false, false, true, false]);
    expect(plan.coveredByAppendedPage).toEqual([2, 3, 5]);
    expect(describePages(plan.coveredByAppendedPage, 5)).toBe('pages 2–3, 5');
    expect(planPdfAttestation([page(A4.width, A4.height)]).coveredByAppendedPage).toEqual([]);
    expect(describePages([1], 1)).toBe('the page before');
    expect(describePages([1, 2], 2)).toBe('all 2 pages before');
    expect(describePages([4], 6)).toBe('page 4');
  });

  it('puts an image on A4 (landscape when wide), fitted above the band the block takes, never enlarged', () => {
    const tall = layoutImagePage({ width: 2480, height: 3508 });
    expect(tall.page).toEqual({ width: A4.width, height: A4.height });
    expect(tall.image.y).toBeGreaterThanOrEqual(tall.block.y + ATTESTATION_BLOCK.height);
    expect(tall.image.x).toBeGreaterThanOrEqual(36);
    expect(tall.image.x + tall.image.width).toBeLessThanOrEqual(A4.width - 36 + 1e-9);
    expect(tall.image.y + tall.image.height).toBeLessThanOrEqual(A4.height - 36 + 1e-9);
    expect(tall.image.width / tall.image.height).toBeCloseTo(2480 / 3508);
    const wide = layoutImagePage({ width: 1600, height: 900 });
    expect(wide.page).toEqual({ width: A4.height, height: A4.width });
    expect(wide.block.x + ATTESTATION_BLOCK.width).toBeLessThanOrEqual(wide.page.width);
    const small = layoutImagePage({ width: 200, height: 100 });
    expect([small.image.width, small.image.height]).toEqual([200, 100]);
    expect(() => layoutImagePage({ width: 0, height: 10 })).toThrow();
  });
});

describe('what the attestation block says', () => {
  it('"Attested copy", the certificate number, the officer, the office and the date in India', () => {
    expect(
      attestationLines({ certificateNumber: 'EIC/2026/031/0000001A', officerName: 'Priya Deshpande', officerDesignation: 'Deputy Director', officeName: 'EIC - Mumbai (Regional Office)', date: '2026-12-08' }),
    ).toEqual(['Attested copy', 'Certificate No. EIC/2026/031/0000001A', 'Attested by Priya Deshpande, Deputy Director', 'EIC - Mumbai (Regional Office)', 'Date: 08/12/2026 (IST)']);
    expect(attestationLines({ certificateNumber: 'X', officerName: 'A', officeName: 'O', date: '2026-01-01' })[2]).toBe('Attested by A');
  });

  it('attests PDF and images; spreadsheets are declined by the system', () => {
    expect(['pdf', 'jpeg', 'png'].every(isAttestable)).toBe(true);
    expect(isAttestable('xls') || isAttestable('xlsx')).toBe(false);
  });
});

describe("the officer's choices at approval", () => {
  const marked = [
    { id: 'a1', fileName: 'invoice.pdf' },
    { id: 'a2', fileName: 'packing.jpg' },
  ];
  it('declines only documents marked "Attest", once each, each with a remark', () => {
    expect(attestationChoiceProblems([{ attachmentId: 'a2', remark: 'Not legible' }], marked)).toEqual([]);
    expect(attestationChoiceProblems([{ attachmentId: 'zz', remark: 'x' }], marked)).toEqual([
      { path: 'body/declineAttestation/0/attachmentId', message: 'zz is not a document the exporter marked for attestation (those are: a1 invoice.pdf; a2 packing.jpg).' },
    ]);
    expect(attestationChoiceProblems([{ attachmentId: 'zz', remark: 'x' }], [])[0]!.message).toBe('zz is not a document to attest: the exporter marked none for attestation.');
    const problems = attestationChoiceProblems(
      [
        { attachmentId: 'a1', remark: ' ' },
        { attachmentId: 'a1', remark: 'y'.repeat(1001) },
      ],
      marked,
    );
    expect(problems.map((p) => p.path)).toEqual(['body/declineAttestation/0/remark', 'body/declineAttestation/1/attachmentId', 'body/declineAttestation/1/remark']);
  });
});
