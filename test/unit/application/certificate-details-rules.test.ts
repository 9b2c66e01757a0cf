import { describe, expect, it } from 'vitest';
import { checkAgreementAgencyOffice } from '../../../domain/application/check-agreement-agency-office.js';
import { checkBasicDetails } from '../../../domain/application/check-basic-details.js';
import { checkImporter, findCountryInAddress } from '../../../domain/application/check-importer.js';
import { checkInvoiceNumberAndDate, checkInvoiceUnique } from '../../../domain/application/check-invoice-number.js';
import { checkInvoiceValues } from '../../../domain/application/check-invoice-values.js';
import type { CertificateDetails, Invoice } from '../../../domain/application/schemas.js';
import { indexReferenceData } from '../../../domain/reference/reference-index.js';
import { iec, messages, reference, referenceData, validDraft } from './helpers.js';

describe('basic details', () => {
  it('accepts a branch of the IEC with the disclaimer accepted', () => {
    expect(checkBasicDetails(validDraft().basicDetails, iec('AABCS1429B'))).toEqual([]);
  });

  it('refuses a branch that is not in the IEC master', () => {
    expect(checkBasicDetails({ iecBranchCode: '07', deliveryRequested: true, disclaimerAccepted: true }, iec('AAACR5055K'))).toEqual([
      {
        path: 'basicDetails/iecBranchCode',
        message:
          'Branch 07 is not a branch of IEC AAACR5055K in the IEC master; its branches are 01 (Mumbai, Maharashtra), 02 (Chennai, Tamil Nadu). A missing branch is added by modifying the IEC at DGFT',
      },
    ]);
  });

  it('refuses a suspended IEC and an unaccepted disclaimer', () => {
    expect(messages(checkBasicDetails({ iecBranchCode: '01', deliveryRequested: false, disclaimerAccepted: false }, iec('AAKFB3310D')))).toEqual([
      'IEC AAKFB3310D is suspended in the DGFT IEC master (Suspended by DGFT: IEC details not updated in the annual update window); no application can be filed until it is active again',
      'Accept the disclaimer to continue',
    ]);
  });
});

describe('agreement, agency and office', () => {
  const base = validDraft().certificateDetails;
  const with_ = (patch: Partial<CertificateDetails>) => checkAgreementAgencyOffice({ ...base, ...patch }, reference);

  it('accepts an office of an agency notified for the agreement', () => {
    expect(with_({})).toEqual([]);
    expect(with_({ agreementCode: 'IKCEPA', agencyCode: 'EIC', officeCode: 'EIC-MUM' })).toEqual([]);
  });

  it('refuses an unknown or closed agreement', () => {
    expect(messages(with_({ agreementCode: 'NAFTA' }))[0]).toMatch(/^Trade agreement NAFTA is not known; choose one of IOCEPA, AIFTA, IKCEPA, SAFTA, APTA/);
    expect(messages(with_({ agreementCode: 'SAPTA', agencyCode: 'DGFT', officeCode: 'DGFT-DEL' }))).toEqual([
      "SAARC Preferential Trading Arrangement (SAPTA) no longer takes new applications (Seen in seed 001 (DGFT/2019/008/...). Superseded by SAFTA: kept so that legacy certificate numbers resolve; no new applications.)",
    ]);
  });

  it('refuses an invoice dated before the agreement applies', () => {
    const invoice = { ...base.invoice, date: '2026-05-31' };
    expect(with_({ agreementCode: 'IOCEPA', agencyCode: 'EIC', officeCode: 'EIC-MUM', invoice })).toEqual([
      {
        path: 'certificateDetails/invoice/date',
        message: 'India Oman CEPA (Agency Issued) applies from 01/06/2026; goods invoiced on 31/05/2026 cannot be certified under it',
      },
    ]);
    expect(with_({ agreementCode: 'IOCEPA', agencyCode: 'EIC', officeCode: 'EIC-MUM', invoice: { ...invoice, date: '2026-06-01' } })).toEqual([]);
  });

  it('matches the certificate type with the agreement', () => {
    expect(messages(with_({ certificateType: 'non_preferential' }))).toEqual([
      'ASEAN-India FTA gives preferential certificates: choose the type "preferential" or a non-preferential scheme',
    ]);
    expect(messages(with_({ agreementCode: 'NONPREF', agencyCode: 'FIEO', officeCode: 'FIEO-DEL' }))).toEqual([
      'Non-Preferential gives non-preferential certificates: choose the type "non_preferential" or a trade agreement',
    ]);
  });

  it('refuses an agency not notified for the agreement', () => {
    expect(with_({ agencyCode: 'FIEO', officeCode: 'FIEO-DEL' })).toEqual([
      {
        path: 'certificateDetails/agencyCode',
        message: 'Federation of Indian Export Organisations (FIEO) is not notified to issue certificates under ASEAN-India FTA; choose one of EIC, MPEDA',
      },
    ]);
    expect(messages(with_({ agencyCode: 'XYZ' }))).toEqual(['Issuing agency XYZ is not known; for ASEAN-India FTA choose one of EIC, MPEDA']);
  });

  it('refuses an office that does not take applications', () => {
    const closed = indexReferenceData({
      ...referenceData,
      offices: referenceData.offices.map((o) => (o.code === 'MPEDA-VSP' ? { ...o, active: false } : o)),
    });
    expect(messages(checkAgreementAgencyOffice({ ...base, officeCode: 'MPEDA-VSP' }, closed))).toEqual([
      'Office MPEDA-VSP does not take applications at present; choose one of MPEDA-KOC',
    ]);
  });

  it("refuses an office of another agency and an unknown office", () => {
    expect(with_({ officeCode: 'EIC-KOC' })).toEqual([
      { path: 'certificateDetails/officeCode', message: 'Office EIC-KOC belongs to EIC, not MPEDA; choose one of MPEDA-KOC, MPEDA-VSP' },
    ]);
    expect(messages(with_({ officeCode: 'MPEDA-GOA' }))).toEqual(["Office MPEDA-GOA is not known; MPEDA's offices are MPEDA-KOC, MPEDA-VSP"]);
  });
});

describe('importer', () => {
  const aifta = reference.agreement('AIFTA');
  const ikcepa = reference.agreement('IKCEPA');
  const iocepa = reference.agreement('IOCEPA');

  it('accepts an address without the country', () => {
    expect(checkImporter(validDraft().certificateDetails.importer, aifta)).toEqual([]);
    expect(checkImporter({ name: 'KEB Traders', address: 'Korea Exchange Bank Building, 35 Eulji-ro, Jung-gu, Seoul 04538', country: 'KR' }, ikcepa)).toEqual([]);
  });

  it('refuses the country in the address, in its common forms', () => {
    expect(checkImporter({ name: 'Al Noor LLC', address: 'PO Box 112, Ruwi, Muscat, Sultanate of Oman', country: 'OM' }, iocepa)).toEqual([
      {
        path: 'certificateDetails/importer/address',
        message: 'Remove "Sultanate of Oman" from the importer address: the country (Oman) is a separate field and is printed after the address',
      },
    ]);
    expect(findCountryInAddress('35 Eulji-ro, Jung-gu, Seoul 04538, Republic of Korea', 'KR')).toBe('Republic of Korea');
    expect(findCountryInAddress('35 Eulji-ro, Seoul, S. Korea', 'KR')).toBe('S. Korea');
    expect(findCountryInAddress('12 Le Loi, District 1, Ho Chi Minh City, Viet Nam', 'VN')).toBe('Viet Nam');
    expect(findCountryInAddress('12 Le Loi, District 1, HCMC Vietnam 700000', 'VN')).toBe('Vietnam');
    expect(findCountryInAddress('1 Main St, Springfield IL 62701, U.S.A.', 'US')).toBe('U.S.A.');
    expect(findCountryInAddress('35 Eulji-ro, Seoul 04538 KR', 'KR')).toBe('KR');
    expect(findCountryInAddress('Muscat 112\nOman', 'OM')).toBe('Oman');
  });

  it('does not mistake a city named like its country for the country', () => {
    expect(findCountryInAddress('1 Raffles Place, #20-01, Singapore 048616', 'SG')).toBeUndefined();
    expect(findCountryInAddress('1 Raffles Place, Republic of Singapore', 'SG')).toBe('Republic of Singapore');
    expect(findCountryInAddress('Block 3, Kuwait City', 'KW')).toBeUndefined();
  });

  it('refuses a country that is not a partner of the agreement, India, or an unknown code', () => {
    expect(messages(checkImporter({ name: 'A', address: 'Dubai Marina', country: 'AE' }, iocepa))).toEqual([
      'United Arab Emirates is not a partner of India Oman CEPA (Agency Issued); its partner countries are Oman (OM)',
    ]);
    expect(messages(checkImporter({ name: 'A', address: 'Anywhere', country: 'IN' }, aifta))).toEqual([
      'The importer must be outside India: a certificate of origin accompanies an export',
    ]);
    expect(messages(checkImporter({ name: 'A', address: 'Anywhere', country: 'XX' }, aifta))).toEqual(['XX is not an ISO 3166 country code']);
    expect(checkImporter({ name: 'A', address: 'Rue du Rhône 1, Geneva', country: 'CH' }, reference.agreement('NONPREF'))).toEqual([]);
  });
});

describe('invoice number and date', () => {
  it('accepts letters, digits and / , -', () => {
    expect(checkInvoiceNumberAndDate({ number: 'SSP/2024-25/118,A', date: '2024-08-06' }, '2024-09-01')).toEqual([]);
  });

  it('names each character that is not allowed', () => {
    expect(checkInvoiceNumberAndDate({ number: 'INV #12_A B', date: '2024-08-06' }, '2024-09-01')).toEqual([
      {
        path: 'certificateDetails/invoice/number',
        message: 'Invoice number "INV #12_A B" contains a space, "#", "_"; only letters, digits and / , - are allowed',
      },
    ]);
  });

  it('accepts today and refuses tomorrow', () => {
    expect(checkInvoiceNumberAndDate({ number: 'A1', date: '2024-09-01' }, '2024-09-01')).toEqual([]);
    expect(checkInvoiceNumberAndDate({ number: 'A1', date: '2024-09-02' }, '2024-09-01')).toEqual([
      { path: 'certificateDetails/invoice/date', message: 'Invoice date 02/09/2024 is in the future (today is 01/09/2024)' },
    ]);
  });

  it('reports an invoice already used in the financial year', () => {
    expect(checkInvoiceUnique({ number: 'INV/1', date: '2025-03-31' }, 'AAACR5055K', null)).toEqual([]);
    expect(checkInvoiceUnique({ number: 'INV/1', date: '2025-03-31' }, 'AAACR5055K', 'MPKOCOOAPPLY00000007AM25')).toEqual([
      {
        path: 'certificateDetails/invoice/number',
        message:
          'Invoice INV/1 is already used by application MPKOCOOAPPLY00000007AM25 of IEC AAACR5055K in financial year 2024-25 (April 2024 to March 2025); an invoice number can be used once per financial year',
      },
    ]);
  });
});

describe('invoice values and exchange rates', () => {
  const usd: Invoice = validDraft().certificateDetails.invoice;

  it('accepts the seed example (1500 USD at 90 = 135000 INR)', () => {
    expect(checkInvoiceValues({ ...usd, valueInCurrency: 1500, valueUsd: 1500, valueInr: 135000, exchangeRateToInr: 90 })).toEqual([]);
  });

  it('accepts a difference within 0.1% and refuses one beyond', () => {
    // 1500 × 83.45 = 125175; 0.1% = 125.175, rounded half up to 125.18
    expect(checkInvoiceValues({ ...usd, valueInr: 125175 + 125.18 })).toEqual([]);
    expect(checkInvoiceValues({ ...usd, valueInr: 125175 - 125.18 })).toEqual([]);
    expect(checkInvoiceValues({ ...usd, valueInr: 125175 + 125.19 })).toEqual([
      {
        path: 'certificateDetails/invoice/valueInr',
        message:
          'Invoice value in INR (125300.19) does not match 1500.00 USD × 83.45 = 125175.00 INR (allowed difference 125.18); correct the value or the exchange rate',
      },
    ]);
  });

  it('checks both conversions of an invoice in another currency', () => {
    const eur: Invoice = { ...usd, currency: 'EUR', valueInCurrency: 1000, exchangeRateToUsd: 1.085, valueUsd: 1085, exchangeRateToInr: 90.55, valueInr: 90550 };
    expect(checkInvoiceValues(eur)).toEqual([]);
    expect(messages(checkInvoiceValues({ ...eur, valueUsd: 1058 }))).toEqual([
      'Invoice value in USD (1058.00) does not match 1000.00 EUR × 1.085 = 1085.00 USD (allowed difference 1.09); correct the value or the exchange rate',
    ]);
  });

  it('wants a rate of 1 to the invoice currency itself', () => {
    expect(messages(checkInvoiceValues({ ...usd, exchangeRateToUsd: 1.02, valueUsd: 1530 }))).toEqual([
      'The invoice is in USD, so its exchange rate to USD is 1 (not 1.02)',
    ]);
    const inr: Invoice = { ...usd, currency: 'INR', valueInCurrency: 83450, exchangeRateToInr: 1, valueInr: 83450, exchangeRateToUsd: 0.011983, valueUsd: 1000 };
    expect(checkInvoiceValues(inr)).toEqual([]);
    expect(messages(checkInvoiceValues({ ...inr, exchangeRateToInr: 83.45, valueInr: 6963902.5 }))).toEqual([
      'The invoice is in INR, so its exchange rate to INR is 1 (not 83.45)',
    ]);
  });

  it('refuses unknown currencies and too many decimals', () => {
    expect(messages(checkInvoiceValues({ ...usd, currency: 'XYZ' }))[0]).toMatch(/^XYZ is not an accepted invoice currency; use one of AED, AUD/);
    expect(messages(checkInvoiceValues({ ...usd, valueUsd: 1500.001, valueInCurrency: 1500.001, valueInr: 125175.08 }))).toEqual([
      'Invoice value 1500.001 USD can have at most 2 decimal places',
      'Invoice value in USD 1500.001 USD can have at most 2 decimal places',
    ]);
    const krw: Invoice = { ...usd, currency: 'KRW', valueInCurrency: 1500000.5, exchangeRateToUsd: 0.00075, valueUsd: 1125, exchangeRateToInr: 0.0626, valueInr: 93900.03 };
    expect(messages(checkInvoiceValues(krw))).toEqual(['Invoice value 1500000.5 KRW cannot have decimals: KRW has no minor unit']);
    expect(messages(checkInvoiceValues({ ...usd, exchangeRateToInr: 83.4500001, valueInr: 125175 }))).toEqual([
      'Exchange rate (to INR) can have at most 6 decimal places',
    ]);
  });

  it('wants third-country invoice details exactly when third-country invoicing is chosen', () => {
    expect(messages(checkInvoiceValues({ ...usd, thirdCountryInvoicing: true }))).toEqual([
      'Third country invoicing is "Yes": enter the third-country operator (name, address, country)',
    ]);
    const operator = { operatorName: 'Gulf Trading FZE', operatorAddress: 'Jebel Ali Free Zone, Dubai', operatorCountry: 'AE' };
    expect(checkInvoiceValues({ ...usd, thirdCountryInvoicing: true, thirdCountryInvoice: operator })).toEqual([]);
    expect(messages(checkInvoiceValues({ ...usd, thirdCountryInvoicing: false, thirdCountryInvoice: operator }))).toEqual([
      'Third country invoicing is "No": remove the third-country operator details or choose "Yes"',
    ]);
    expect(messages(checkInvoiceValues({ ...usd, thirdCountryInvoicing: true, thirdCountryInvoice: { ...operator, operatorCountry: 'IN' } }))).toEqual([
      'A third-country operator is outside India',
    ]);
  });
});
