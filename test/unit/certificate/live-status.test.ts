import { describe, expect, it } from 'vitest';
import { describeLiveStatus, liveDate, QR_NOTICE } from '../../../domain/certificate/live-status.js';
import type { CertificateRecord, RelatedCertificate } from '../../../domain/certificate/types.js';
import { publicHistory } from '../../../services/certificate/public-history.js';

const ORIGINAL = 'EIC/2026/031/0000001A';
const IN_LIEU = `${ORIGINAL}/00000002`;
const DUPLICATE = `${ORIGINAL}/00000001`;

function record(overrides: Partial<CertificateRecord> = {}): CertificateRecord {
  return { certificateNumber: ORIGINAL, status: 'issued', kind: 'original', source: 'platform', issuedAt: '2026-06-02T04:11:00.000Z', history: [], ...overrides };
}
const related = (certificateNumber: string, kind: RelatedCertificate['kind'], issueDate: string): RelatedCertificate => ({
  certificateNumber,
  kind,
  issueDate,
  verificationUrl: `https://coo.test/verify?no=${certificateNumber}&t=x`,
});

describe("a certificate's live status in words", () => {
  it('an original in force: valid, issued on its day in India, with the QR notice', () => {
    const s = describeLiveStatus(record());
    expect(s).toMatchObject({ valid: true, title: 'Valid — issued', qrNotice: QR_NOTICE });
    expect(s.lines.map((l) => l.text)).toEqual(['Issued on 02 JUN 2026 and in force.']);
  });

  it('a superseded original names the in-lieu certificate, the day and the reason, and links to it', () => {
    const by = related(IN_LIEU, 'in-lieu', '2026-06-20');
    const s = describeLiveStatus(record({ status: 'superseded', supersededBy: IN_LIEU, superseded: { by, at: '2026-06-19T20:00:00.000Z', reason: 'Importer name corrected' } }));
    expect(s.valid).toBe(false);
    expect(s.title).toBe('Superseded — not in force');
    // 20:00 UTC on the 19th is the 20th in India
    expect(s.lines[0]).toEqual({ text: `Superseded by ${IN_LIEU} on 20 JUN 2026 — Importer name corrected`, related: by });
    expect(s.lines[1]!.text).toBe(`Only certificate ${IN_LIEU} may be used to claim preference.`);
    expect(s.qrNotice).toContain('keeps verifying cryptographically');
  });

  it('a cancelled certificate is clearly not valid, with the day, the office and the reason', () => {
    const s = describeLiveStatus(record({ status: 'cancelled', cancellation: { at: '2026-07-01T06:00:00.000Z', reason: 'Issued on a forged invoice', by: 'EIC - Mumbai (Regional Office)' } }));
    expect(s.valid).toBe(false);
    expect(s.title).toBe('Cancelled — not valid');
    expect(s.lines.map((l) => l.text)).toEqual([
      'Cancelled on 01 JUL 2026 by EIC - Mumbai (Regional Office) — Issued on a forged invoice',
      'This certificate is NOT valid: it must not be accepted to claim preference.',
    ]);
  });

  it('a duplicate and an in-lieu certificate name what they were issued from, with its date and link', () => {
    const original = related(ORIGINAL, 'original', '2026-06-02');
    const dup = describeLiveStatus(record({ certificateNumber: DUPLICATE, kind: 'duplicate', replaces: original }));
    expect(dup.valid).toBe(true);
    expect(dup.lines[1]).toEqual({ text: `Duplicate of ${ORIGINAL} dated 02 JUN 2026`, related: original });
    const lieu = describeLiveStatus(record({ certificateNumber: IN_LIEU, kind: 'in-lieu', replaces: original }));
    expect(lieu.lines[1]).toEqual({ text: `Issued in lieu of ${ORIGINAL} dated 02 JUN 2026`, related: original });
  });

  it('an original lists its duplicates, each linked', () => {
    const d = related(DUPLICATE, 'duplicate', '2026-06-10');
    const s = describeLiveStatus(record({ duplicates: [d] }));
    expect(s.valid).toBe(true);
    expect(s.lines[1]).toEqual({ text: `Duplicate ${DUPLICATE} issued on 10 JUN 2026: the same certificate, both in force while this one is`, related: d });
  });

  it('a legacy record says it was issued on the legacy platform, whose verification continues there; no QR notice', () => {
    const s = describeLiveStatus(
      record({
        certificateNumber: 'MPEDA/2019/013/0000081A',
        source: 'legacy',
        legacy: {
          certificateNumber: 'MPEDA/2019/013/0000081A',
          issueDate: '2019-03-30',
          agency: { code: 'MPEDA' },
          office: { code: 'MPEDA-KOC' },
          agreement: { code: 'AIFTA' },
          iec: 'AAACR5055K',
          importer: { name: 'OCEAN FOODS', country: 'VIETNAM' },
          goodsSummary: 'Frozen shrimps',
        },
      }),
    );
    expect(s.title).toBe('Issued on the legacy platform');
    expect(s.qrNotice).toBeUndefined();
    expect(s.lines[0]!.text).toContain('Issued on 30 MAR 2019 on the legacy eCoO 1.0 platform (https://coo.dgft.gov.in)');
    expect(s.lines[1]!.text).toContain('Its verification continues on the legacy platform (DGFT Trade Notice 23/2024-25');
  });

  it('dates: a bare date as printed, an instant by its day in India', () => {
    expect(liveDate('2026-12-31')).toBe('31 DEC 2026');
    expect(liveDate('2026-12-31T19:00:00.000Z')).toBe('01 JAN 2027');
  });
});

describe('the public history of a certificate', () => {
  it('names the duplicate, the in-lieu certificate and the import, with the office as actor', () => {
    const h = publicHistory(
      [
        { at: '2026-06-02T04:11:00.000Z', event: 'issued', note: 'by Priya Deshpande' },
        { at: '2026-06-10T04:11:00.000Z', event: 'duplicate_issued', note: `duplicate ${DUPLICATE}` },
        { at: '2026-06-20T04:11:00.000Z', event: 'superseded', note: `by ${IN_LIEU}: Importer name corrected` },
        { at: '2026-07-01T04:11:00.000Z', event: 'imported' },
      ],
      'EIC Mumbai',
    );
    expect(h.map((e) => e.description)).toEqual([
      'Certificate issued and digitally signed',
      `Duplicate certificate ${DUPLICATE} issued of it`,
      `Superseded by certificate ${IN_LIEU}, issued in lieu of it — Importer name corrected`,
      'Record imported from the legacy eCoO 1.0 platform',
    ]);
    expect(h[1]).toMatchObject({ type: 'duplicate_issued', relatedCertificateNumber: DUPLICATE, actor: 'EIC Mumbai' });
    expect(h[2]!.relatedCertificateNumber).toBe(IN_LIEU);
  });
});
