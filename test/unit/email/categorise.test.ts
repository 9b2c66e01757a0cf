import { describe, expect, it } from 'vitest';
import { categorise } from '../../../channels/email/categorise.js';
import { extractReferences } from '../../../channels/email/extract-references.js';
import { KNOWN_PROBLEMS, knownProblem, type HelpdeskCategory } from '../../../channels/email/faq.js';

interface Sample {
  name: string;
  subject: string;
  text: string;
  category: HelpdeskCategory;
  minConfidence: number;
}

const samples: Sample[] = [
  {
    name: 'expired DSC error text',
    subject: 'Unable to register on CoO portal',
    text: 'Dear Sir,\nWhile registering with IEC AAACR5055K the portal shows the error "Expired Certificate". Our DSC was renewed last month.\nKindly help.',
    category: 'dsc_expired',
    minConfidence: 0.85,
  },
  {
    name: 'expired DSC in own words',
    subject: 'DSC problem',
    text: 'Sir, my digital signature has expired yesterday and now I cannot sign the application DRAFTCOOAPPLY00229268AM25. What should I do?',
    category: 'dsc_expired',
    minConfidence: 0.7,
  },
  {
    name: 'IEC not matched',
    subject: 'Error: IEC Not Matched, Kindly Insert Correct Token',
    text: 'Respected Sir/Madam,\nWe are getting "IEC Not Matched, Kindly Insert Correct Token" while signing. IEC No. 0305012345.\nRegards',
    category: 'iec_not_matched',
    minConfidence: 0.9,
  },
  {
    name: 'dongle not found',
    subject: 'Please Insert Dongel for Signing',
    text: 'Hello, the token is inserted but the site keeps saying please insert dongel for signing. ePass 2003 token, driver installed.',
    category: 'dongle_not_found',
    minConfidence: 0.9,
  },
  {
    name: 'token not detected',
    subject: 'Signing issue',
    text: 'My USB token is not detected by the system when I click Sign on the application summary.',
    category: 'dongle_not_found',
    minConfidence: 0.7,
  },
  {
    name: 'name mismatch freeze',
    subject: 'Account frozen - name mismatch',
    text: 'Our new user MEERA IYER cannot proceed: the verification is frozen because the name in the DSC is "MEERA  IYER" and the profile name has a different spacing. IEC AAACR5055K.',
    category: 'name_mismatch_freeze',
    minConfidence: 0.85,
  },
  {
    name: 'payment debited, not shown',
    subject: 'Payment deducted but application pending',
    text: 'Dear Team,\nAn amount of Rs. 392 was debited from our bank account on 04-03-2025 for application DRAFTCOOAPPLY00229268AM25 but it still shows Pending Payment. UTR 412345678901.\nPlease update.',
    category: 'payment_not_reflected',
    minConfidence: 0.9,
  },
  {
    name: 'change of e-mail',
    subject: 'Request to change registered email id',
    text: 'Sir, kindly change the registered email id of IEC AABCS1429B from old@seapearl.in to exports@seapearl.in as the old mailbox is closed.',
    category: 'contact_change',
    minConfidence: 0.85,
  },
  {
    name: 'change of mobile number',
    subject: 'Mobile number update',
    text: 'Please update our mobile number to 9876543210. OTP is going to the old number.',
    category: 'contact_change',
    minConfidence: 0.85,
  },
  {
    name: 'session error',
    subject: 'I am in Error while uploading invoice',
    text: 'When I upload the invoice PDF the page shows "I am in Error".',
    category: 'session_error',
    minConfidence: 0.85,
  },
  {
    name: 'java error',
    subject: 'Unable to launch application',
    text: 'Getting "Unable to launch application" after clicking on sign. Java 8 is installed.',
    category: 'java_launch_error',
    minConfidence: 0.9,
  },
  {
    name: 'office missing in drop-down',
    subject: 'Issuing office not showing',
    text: 'In the application form the drop down for issuing office is empty, the EIC Chennai office is not showing.',
    category: 'office_not_listed',
    minConfidence: 0.85,
  },
  {
    name: 'branch details not fetched',
    subject: 'Registration problem',
    text: 'On the registration page the branch details and director details are not getting fetched for IEC 0388012345.',
    category: 'iec_details_not_fetched',
    minConfidence: 0.85,
  },
  {
    name: 'lost password',
    subject: 'Login',
    text: 'We did not receive the password after registration. Username is our IEC. Unable to login.',
    category: 'login_credentials',
    minConfidence: 0.85,
  },
  {
    name: 'status query',
    subject: 'Status of application HQRCCOAPPLY00000019AM25',
    text: 'Dear Sir, our file HQRCCOAPPLY00000019AM25 is pending since 5 days. When will the certificate be issued? The shipment leaves on Friday.',
    category: 'application_status',
    minConfidence: 0.85,
  },
  {
    name: 'duplicate certificate',
    subject: 'Duplicate certificate required',
    text: 'The original certificate for MPEDA/2019/013/0000081A was damaged in transit. We need a duplicate certificate. How to apply?',
    category: 'duplicate_certificate',
    minConfidence: 0.85,
  },
  {
    name: 'unrelated question',
    subject: 'Query regarding rules of origin',
    text: 'What is the regional value content needed for shrimp exported to Oman under CEPA?',
    category: 'other',
    minConfidence: 0,
  },
];

describe('categorise', () => {
  for (const s of samples) {
    it(`${s.name} → ${s.category}`, () => {
      const result = categorise({ subject: s.subject, text: s.text });
      expect(result.category).toBe(s.category);
      expect(result.confidence).toBeGreaterThanOrEqual(s.minConfidence);
      if (s.category === 'other') {
        expect(result.fix).toBeNull();
      } else {
        expect(result.fix).toBe(knownProblem(s.category)?.fix);
        expect(result.reasons.length).toBeGreaterThan(0);
      }
    });
  }

  it('gives the seed FAQ wording in the fixes', () => {
    expect(knownProblem('dsc_expired')?.fix).toContain('If it has expired, apply for a fresh DSC.');
    expect(knownProblem('session_error')?.fix).toContain('Kindly refresh the web browser');
    expect(knownProblem('contact_change')?.fix).toContain('visiting the DGFT website');
    expect(knownProblem('office_not_listed')?.fix).toContain('the exporter has to do the registration process again');
    expect(knownProblem('iec_not_matched')?.fix).toContain('must contain your IEC code');
    expect(KNOWN_PROBLEMS.every((p) => p.source.length > 0 && p.fix.length > 40)).toBe(true);
  });

  it('is less sure when two problems are described', () => {
    const result = categorise({
      subject: 'Two problems',
      text: 'The error "Expired Certificate" appears, and also the portal says IEC Not Matched, Kindly Insert Correct Token.',
    });
    expect(['dsc_expired', 'iec_not_matched']).toContain(result.category);
    expect(result.alternatives.map((a) => a.category)).toContain(result.category === 'dsc_expired' ? 'iec_not_matched' : 'dsc_expired');
    expect(result.confidence).toBeLessThan(0.85);
  });

  it('extracts references from the mail', () => {
    const result = categorise({ subject: 'Status of HQRCCOAPPLY00000019AM25', text: 'IEC: AAACR5055K. Is the certificate issued?' });
    expect(result.references.fileNumbers).toEqual(['HQRCCOAPPLY00000019AM25']);
    expect(result.references.iecs).toEqual(['AAACR5055K']);
  });
});

describe('extractReferences', () => {
  it('finds draft, file and legacy numbers, IECs, certificate numbers and transaction references', () => {
    const refs = extractReferences(
      [
        'Draft DRAFTCOOAPPLY00229268AM25 became file HQRCCOAPPLY00000019AM25.',
        'Legacy request MPEDA/2019/013/0000081A and duplicate DGFT/2019/008/0000059A/00000003.',
        'IE Code: 0305012345, PAN-based IEC AABCS1429B. Certificate No. EIC/MUM/2025/000123.',
        'UTR: 412345678901, mobile 9876543210, GSTIN 27AAACR5055K1Z5.',
      ].join('\n'),
    );
    expect(refs.draftNumbers).toEqual(['DRAFTCOOAPPLY00229268AM25']);
    expect(refs.fileNumbers).toEqual(['HQRCCOAPPLY00000019AM25']);
    expect(refs.legacyNumbers).toEqual(['MPEDA/2019/013/0000081A', 'DGFT/2019/008/0000059A/00000003']);
    expect(refs.iecs).toEqual(['0305012345', 'AABCS1429B']);
    expect(refs.certificateNumbers).toEqual(['EIC/MUM/2025/000123']);
    expect(refs.transactionRefs).toEqual(['412345678901']);
  });

  it('does not take mobile numbers, GSTINs or capitalised words for IECs', () => {
    const refs = extractReferences('Call 9876543210. GSTIN 27AAACR5055K1Z5. IEC REGISTERED under DGFT. IEC Not Matched.');
    expect(refs.iecs).toEqual([]);
  });

  it('accepts lower-case and spaced forms', () => {
    expect(extractReferences('my iec no. aaacr5055k').iecs).toEqual(['AAACR5055K']);
    expect(extractReferences('file hqrccoapply00000019am25 pending').fileNumbers).toEqual(['HQRCCOAPPLY00000019AM25']);
  });
});
