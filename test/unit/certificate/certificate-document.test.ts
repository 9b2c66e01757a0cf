import { describe, expect, it } from 'vitest';
import { sampleAseanCertificate, sampleOmanCertificate } from '../../../services/certificate/samples.js';
import { AGREEMENT_FORMS, goodsCellText, resolveAgreementForm } from '../../../domain/certificate/agreement-forms.js';
import { formatCertificateDate, formatMoney } from '../../../domain/certificate/format.js';
import { summarizeCertificate } from '../../../domain/certificate/summarize-certificate.js';
import { assertCertificateDocument, findCertificateProblems } from '../../../domain/certificate/validate-certificate-document.js';
import { AppError } from '../../../lib/errors.js';

describe('certificate document', () => {
  it('accepts the samples', () => {
    expect(findCertificateProblems(sampleOmanCertificate())).toEqual([]);
    expect(findCertificateProblems(sampleOmanCertificate({ items: 60, devanagari: true }))).toEqual([]);
    expect(findCertificateProblems(sampleAseanCertificate())).toEqual([]);
  });

  it('names each problem with its path', () => {
    const doc = sampleOmanCertificate({ items: 2 });
    doc.goods[0]!.hsCode = '0306';
    doc.goods[1]!.itemNumber = 1;
    doc.invoice.value = 1;
    doc.issueDate = '02/06/2026';
    (doc.declaration as { countryOfOrigin: string }).countryOfOrigin = 'OMAN';
    doc.thirdCountryInvoicing = true;
    const problems = findCertificateProblems(doc);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'goods/0/hsCode', message: 'The HS code of item 1 must be 6 to 10 digits (got "0306")' },
        { path: 'goods/1/itemNumber', message: 'Item number 1 appears twice' },
        { path: 'issueDate', message: 'The issue date must be a date written YYYY-MM-DD (got "02/06/2026")' },
        { path: 'declaration/countryOfOrigin', message: 'The country of origin must be "INDIA"' },
        { path: 'thirdCountryOperator', message: 'With third-country invoicing, give the name and address of the operator who issued the invoice' },
      ]),
    );
    expect(problems.find((p) => p.path === 'goods')?.message).toMatch(/^The item values add up to [\d.]+ but the invoice value is 1\.00 USD$/);
    expect(() => assertCertificateDocument(doc)).toThrow(AppError);
  });

  it('picks the layout from the agreement', () => {
    expect(resolveAgreementForm({ code: 'IOCEPA', title: 'India Oman CEPA (Agency Issued)' }).id).toBe('india-oman-cepa');
    expect(resolveAgreementForm({ code: 'AIFTA', title: 'ASEAN-India FTA' }).id).toBe('asean-india-fta');
    expect(resolveAgreementForm({ code: 'IKCEPA', title: 'India Korea CEPA' }).id).toBe('ikcepa');
    expect(resolveAgreementForm({ code: 'X', title: 'Anything', form: 'ikcepa' }).id).toBe('ikcepa');
    // agreements without a layout of their own print on the generic preferential form, headed with their title
    const safta = resolveAgreementForm({ code: 'SAFTA', title: 'South Asian Free Trade Area' });
    expect(safta.title).toEqual(['CERTIFICATE OF ORIGIN', 'South Asian Free Trade Area']);
    expect(safta.declarationText({ declaration: { countryOfOrigin: 'INDIA', importingCountry: 'Nepal' } } as never)).toContain(
      'origin requirements specified in the South Asian Free Trade Area for the goods exported to NEPAL',
    );
  });

  it('numbers the boxes as on each form and puts the HS code with the description on Form AI', () => {
    expect(AGREEMENT_FORMS['asean-india-fta'].goodsColumns.map((c) => c.box)).toEqual(['5', '6', '7', '8', '9', '10']);
    expect(AGREEMENT_FORMS['india-oman-cepa'].boxes.certification.box).toBe('15');
    const ai = sampleAseanCertificate();
    const item = ai.goods[0]!;
    expect(goodsCellText(item, 'description', ai)).toBe('120 CARTONS\nFrozen vannamei shrimps (Litopenaeus vannamei), headless shell-on, IQF, 10 x 1 kg\nHS 030617');
    expect(goodsCellText(item, 'quantityValue', ai)).toBe('1,320 KGS\nUSD 1,000.00');
    const om = sampleOmanCertificate();
    expect(goodsCellText(om.goods[0]!, 'description', om)).not.toContain('HS ');
    expect(AGREEMENT_FORMS['india-oman-cepa'].declarationText(om)).toContain('produced in INDIA');
    expect(AGREEMENT_FORMS['india-oman-cepa'].declarationText(om)).toContain('exported to OMAN.');
  });

  it('totals in cents and lists distinct HS codes in order', () => {
    const doc = sampleOmanCertificate({ items: 9 });
    const s = summarizeCertificate(doc);
    expect(s.hsCodes).toEqual(['030617', '030743', '160414', '100630']);
    expect(s.itemCount).toBe(9);
    expect(s.totalValue).toBe(doc.invoice.value);
  });

  it('formats dates and money for readers abroad', () => {
    expect(formatCertificateDate('2026-06-02')).toBe('02 JUN 2026');
    expect(formatMoney(125000, 'USD')).toBe('USD 125,000.00');
  });
});
