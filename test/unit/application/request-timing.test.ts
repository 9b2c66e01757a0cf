import { describe, expect, it } from 'vitest';
import { checkRequestTiming, requestTimingOf } from '../../../domain/application/check-request-timing.js';
import { parseTab } from '../../../domain/application/parse-tab.js';
import type { CertificateDetails, Shipment } from '../../../domain/application/schemas.js';
import { TAB_DEPENDENTS } from '../../../domain/application/tab-order.js';
import { validateApplicationForSubmission } from '../../../domain/application/validate-application.js';
import { resolveAgreementForm, retrospectiveRemark } from '../../../domain/certificate/agreement-forms.js';
import { diffTabs } from '../../../domain/certificate/request-diff.js';
import type { TradeAgreement } from '../../../domain/reference/types.js';
import { buildCertificateDocument } from '../../../services/certificate/certificate-document.js';
import { TODAY, context, iec, messages, reference, validDraft } from './helpers.js';

function agreement(code: string): TradeAgreement {
  const a = reference.agreement(code);
  if (a === undefined) throw new Error(code);
  return a;
}

const after = { requestTiming: 'after_shipment' } as const;

describe('before / after shipment (certificate details)', () => {
  it('defaults to before shipment when the field is left out, and names the field when the answer is not one of the two', () => {
    const { requestTiming: _t, ...without } = validDraft().certificateDetails;
    const parsed = parseTab('certificateDetails', without);
    expect(parsed.ok && parsed.value.requestTiming).toBe('before_shipment');
    const wrong = parseTab('certificateDetails', { ...without, requestTiming: 'during_shipment' });
    expect(wrong.ok ? [] : messages(wrong.problems)).toEqual([
      'Whether the certificate is requested before or after shipment must be one of: before_shipment, after_shipment',
    ]);
    expect(requestTimingOf(undefined)).toBe('before_shipment');
    expect(requestTimingOf({})).toBe('before_shipment');
  });

  it('asks nothing more before shipment', () => {
    const { shipmentDocumentType: _a, shipmentDocumentNumber: _b, shipmentDate: _c, ...bare } = validDraft().shipment;
    expect(checkRequestTiming({ requestTiming: 'before_shipment' }, bare, agreement('AIFTA'), TODAY)).toEqual([]);
  });

  it('after shipment wants the shipment date, not in the future and within the agreement\'s limit', () => {
    const shipment = validDraft().shipment;
    const { shipmentDocumentType: _a, shipmentDocumentNumber: _b, shipmentDate: _c, ...bare } = shipment;
    expect(checkRequestTiming(after, shipment, agreement('AIFTA'), TODAY)).toEqual([]);
    expect(checkRequestTiming(after, bare, agreement('AIFTA'), TODAY)).toEqual([
      {
        path: 'shipment/shipmentDate',
        message:
          'The certificate is requested after shipment: give the shipment document (type, number) and the shipment date, or choose "Before Shipment" in the Certificate Details tab',
      },
    ]);
    expect(messages(checkRequestTiming(after, { ...shipment, shipmentDate: '2024-09-05' }, agreement('AIFTA'), TODAY))).toEqual([
      'Shipment date 05/09/2024 is in the future (today is 01/09/2024), but the certificate is requested after shipment: correct the date, or choose "Before Shipment" in the Certificate Details tab',
    ]);
    const old: Shipment = { ...shipment, shipmentDate: '2023-08-01' };
    expect(messages(checkRequestTiming(after, old, agreement('AIFTA'), TODAY))).toEqual([
      'Under ASEAN-India FTA a certificate can be issued after shipment only within 365 days of the shipment; the goods were shipped on 01/08/2023, 397 days ago',
    ]);
    expect(checkRequestTiming(after, { ...shipment, shipmentDate: '2023-09-02' }, agreement('AIFTA'), TODAY)).toEqual([]);
    // an agreement whose reference data sets no limit (India-Oman CEPA has no mark either)
    expect(checkRequestTiming(after, old, agreement('IOCEPA'), TODAY)).toEqual([]);
  });

  it('is checked before submission, and saving the certificate details re-checks the shipment tab', () => {
    const draft = validDraft();
    const { shipmentDocumentType: _a, shipmentDocumentNumber: _b, shipmentDate: _c, ...bare } = draft.shipment;
    expect(validateApplicationForSubmission({ ...draft, certificateDetails: { ...draft.certificateDetails, ...after } }, context())).toEqual([]);
    expect(validateApplicationForSubmission({ ...draft, certificateDetails: { ...draft.certificateDetails, ...after }, shipment: bare }, context())).toEqual([
      expect.objectContaining({ path: 'shipment/shipmentDate' }),
    ]);
    expect(TAB_DEPENDENTS.certificateDetails).toContain('shipment');
  });

  it('holds the mark per agreement in the reference data: Form AI box 13, IKCEPA and SAFTA in the remarks, none for India-Oman CEPA', () => {
    expect(agreement('AIFTA').retrospectiveIssue).toEqual({ mark: 'Issued Retrospectively', printedIn: 'box', withinDaysOfShipment: 365 });
    expect(agreement('IKCEPA').retrospectiveIssue).toMatchObject({ mark: 'ISSUED RETROACTIVELY', printedIn: 'remarks' });
    expect(agreement('SAFTA').retrospectiveIssue).toMatchObject({ mark: 'ISSUED RETROSPECTIVELY', printedIn: 'remarks' });
    expect(agreement('IOCEPA').retrospectiveIssue).toBeUndefined();
  });
});

describe('the mark on the certificate', () => {
  function documentFor(code: string, details: Partial<CertificateDetails>) {
    const draft = validDraft();
    return buildCertificateDocument({
      certificateNumber: 'MPEDA/2024/013/0000001A',
      issuedAt: new Date('2024-09-01T06:00:00Z'),
      tabs: { ...draft, certificateDetails: { ...draft.certificateDetails, ...details, agreementCode: code } as CertificateDetails },
      agreement: agreement(code),
      agency: reference.agency('MPEDA')!,
      office: reference.office('MPEDA-KOC')!,
      exporter: iec('AABCS1429B'),
      officer: { name: 'A. Officer' },
    });
  }

  it('ticks Form AI box 13 "Issued Retrospectively" for an after-shipment certificate under AIFTA', () => {
    const doc = documentFor('AIFTA', after);
    expect(doc.requestTiming).toBe('after_shipment');
    expect(doc.issuedRetrospectively).toEqual({ mark: 'Issued Retrospectively', printedIn: 'box' });
    const box = resolveAgreementForm(doc.agreement).boxes.tickBoxes!;
    expect(box.box).toBe('13');
    expect(box.options.find((o) => o.label === 'Issued Retrospectively')!.ticked(doc)).toBe(true);
    expect(retrospectiveRemark(doc)).toBeUndefined();
  });

  it('writes the mark in the remarks where the form prescribes it (IKCEPA), and nothing before shipment or without a mark', () => {
    expect(retrospectiveRemark(documentFor('IKCEPA', after))).toBe('ISSUED RETROACTIVELY.');
    const before = documentFor('AIFTA', { requestTiming: 'before_shipment' });
    expect(before.issuedRetrospectively).toBeUndefined();
    expect(resolveAgreementForm(before.agreement).boxes.tickBoxes!.options.find((o) => o.label === 'Issued Retrospectively')!.ticked(before)).toBe(false);
    const oman = documentFor('IOCEPA', after);
    expect(oman.requestTiming).toBe('after_shipment');
    expect(oman.issuedRetrospectively).toBeUndefined();
  });

  it('reads tabs saved before the question as before shipment', () => {
    const { requestTiming: _t, ...old } = validDraft().certificateDetails;
    const doc = documentFor('AIFTA', {});
    const legacy = buildCertificateDocument({
      certificateNumber: 'MPEDA/2024/013/0000001A',
      issuedAt: new Date('2024-09-01T06:00:00Z'),
      tabs: { ...validDraft(), certificateDetails: old as CertificateDetails },
      agreement: agreement('AIFTA'),
      agency: reference.agency('MPEDA')!,
      office: reference.office('MPEDA-KOC')!,
      exporter: iec('AABCS1429B'),
      officer: { name: 'A. Officer' },
    });
    expect(legacy.requestTiming).toBe('before_shipment');
    expect(legacy).toEqual(doc);
  });

  it('does not count the default as a correction of an original saved before the question', () => {
    const { requestTiming: _t, ...old } = validDraft().certificateDetails;
    const draft = validDraft();
    expect(diffTabs({ certificateDetails: old }, { certificateDetails: draft.certificateDetails })).toEqual([]);
    expect(diffTabs({ certificateDetails: old }, { certificateDetails: { ...draft.certificateDetails, ...after } })).toEqual([
      { path: 'certificateDetails/requestTiming', tab: 'Certificate Details', before: 'before_shipment', after: 'after_shipment' },
    ]);
  });
});
