/**
 * Known helpdesk problems and their fixes, as data so they can be reviewed and corrected without
 * touching the classifier. Fix texts quote or closely follow the seeds (source given per entry):
 * seed 001 = eCoO 1.0 manual and its FAQ, 000 = India–Oman CEPA notice, 002 = Trade Notice 23/2024-25,
 * 003 = Trade Notice 53/2019-20, 004 = Trade Connect user guide.
 *
 * Signals are matched against the lower-cased subject and new text of the mail. Weights: 3 = the
 * portal's own error text or an unmistakable phrase, 2 = a strong hint, 1 = a supporting word.
 */

export type HelpdeskCategory =
  | 'dsc_expired'
  | 'iec_not_matched'
  | 'dongle_not_found'
  | 'name_mismatch_freeze'
  | 'payment_not_reflected'
  | 'contact_change'
  | 'session_error'
  | 'java_launch_error'
  | 'office_not_listed'
  | 'iec_details_not_fetched'
  | 'login_credentials'
  | 'application_status'
  | 'duplicate_certificate'
  | 'other';

export interface Signal {
  pattern: RegExp;
  weight: 1 | 2 | 3;
  /** shown to staff: why the mail was put in this category */
  label: string;
}

export interface KnownProblem {
  category: Exclude<HelpdeskCategory, 'other'>;
  title: string;
  /** the error text the portal shows, when there is one */
  errorText?: string;
  source: string;
  fix: string;
  signals: Signal[];
}

const CERT_STORE_STEPS =
  'Internet Explorer --> Press Alt + T (For Tools) -> Go to Internet Options --> Go to Content --> Go to Certificates';

export const KNOWN_PROBLEMS: readonly KnownProblem[] = [
  {
    category: 'dsc_expired',
    title: 'Error "Expired Certificate" (DSC expired)',
    errorText: 'Expired Certificate',
    source: 'seed 001, FAQ 1',
    fix: [
      'The error "Expired Certificate" is due to one of two reasons:',
      'a. The DSC token used for the registration is expired. Insert the DSC token and check its expiry date. If it has expired, apply for a fresh DSC.',
      `b. Another certificate is already available in the system which is expired. Before inserting the DSC token, open ${CERT_STORE_STEPS}. A list of the certificates installed on the system is shown: select each one by one and remove it. Now insert the DSC to be used.`,
    ].join('\n'),
    signals: [
      { pattern: /expired certificate/, weight: 3, label: 'error "Expired Certificate"' },
      { pattern: /(dsc|digital signature|signature certificate|token|certificate)[^.\n]{0,40}\b(has |is |got |was )?(expired|expiry|expire)\b/, weight: 2, label: 'DSC expired' },
      { pattern: /\b(expired|expiry|expire)\b[^.\n]{0,40}\b(dsc|digital signature|token)\b/, weight: 2, label: 'DSC expired' },
      { pattern: /\brenew(ed|al)?\b[^.\n]{0,30}\b(dsc|digital signature)\b/, weight: 1, label: 'DSC renewed' },
    ],
  },
  {
    category: 'iec_not_matched',
    title: 'Error "IEC Not Matched, Kindly Insert Correct Token"',
    errorText: 'IEC Not Matched, Kindly Insert Correct Token',
    source: 'seed 001, FAQ 7 and FAQ 11; seed 003 §4(b)',
    fix: [
      `There is a possibility that the DSC used does not contain any IEC in it. That can be checked by visiting ${CERT_STORE_STEPS} --> a certificate will appear --> double click on the certificate --> go to the Details tab --> then to Subject --> check if there is an IEC code or not.`,
      'The Digital Signature Certificate should be of DGFT type, which must contain your IEC code (class II or class III, with the IEC number of the firm embedded in the DSC).',
    ].join('\n'),
    signals: [
      { pattern: /iec not match(ed)?/, weight: 3, label: 'error "IEC Not Matched"' },
      { pattern: /insert (the )?correct token/, weight: 3, label: '"Kindly Insert Correct Token"' },
      { pattern: /\biec\b[^.\n]{0,40}\b(not|doesn'?t|does not|mis)[- ]?(match|matching|embedded|present|contain)/, weight: 2, label: 'IEC not in the DSC' },
      { pattern: /(dsc|token|certificate)[^.\n]{0,40}\b(does not|doesn'?t|not) (contain|have|show)[^.\n]{0,20}\biec\b/, weight: 2, label: 'DSC without IEC' },
      { pattern: /\bdgft (type|specific) dsc\b|\biec embedded\b/, weight: 1, label: 'DGFT-type DSC' },
    ],
  },
  {
    category: 'dongle_not_found',
    title: 'Error "Please Insert Dongel for Signing" (token not found)',
    errorText: 'Please Insert Dongel for Signing',
    source: 'seed 001, FAQ 8',
    fix: [
      '1. There is a possibility that the dongle (DSC token) is not attached to the system: attach it.',
      '2. If it is attached, possibly the token driver is not installed: install the DSC software available in the digital key.',
      '3. Possibly the token is not recognisable by the system: remove it, insert it again (another USB port) and check that the token software shows your certificate.',
    ].join('\n'),
    signals: [
      { pattern: /insert dong(e|le|al)l?/, weight: 3, label: 'error "Please Insert Dongel for Signing"' },
      { pattern: /\b(dongle|dongel|token|usb key|e-?token)\b[^.\n]{0,40}\b(not (found|detected|recogni[sz]ed|showing|reading|connected|working)|undetected|missing)\b/, weight: 2, label: 'token not found' },
      { pattern: /\b(not (detecting|recogni[sz]ing|reading|finding))\b[^.\n]{0,30}\b(dongle|dongel|token|dsc)\b/, weight: 2, label: 'token not found' },
      { pattern: /\b(token|dsc) driver\b|\bepass|\bproxkey|\bwatchdata|\bhypersecu/, weight: 1, label: 'token driver' },
    ],
  },
  {
    category: 'name_mismatch_freeze',
    title: 'Name in the profile does not match the name in the DSC (verification frozen)',
    source: 'seed 000 (identity matching threshold); DOMAIN.md identity rules',
    fix: [
      'The user profile name registered on the portal must match completely with the legal name inside your DSC. Any spelling or spacing variation freezes the automated verification for that user.',
      'Compare the two names letter by letter (including initials, spaces and the order of the names). Then either correct the profile name so that it is exactly the name in the DSC, or obtain a DSC issued in your exact legal name.',
      'Reply to this e-mail once corrected: the helpdesk will check the names and lift the freeze.',
    ].join('\n'),
    signals: [
      { pattern: /name[^.\n]{0,30}\b(mis-?match|not match(ing)?|does not match|doesn'?t match|differ(s|ent)?)\b/, weight: 3, label: 'name mismatch' },
      { pattern: /\b(mis-?match|not match(ing)?|different)\b[^.\n]{0,30}\bname\b/, weight: 2, label: 'name mismatch' },
      { pattern: /\b(frozen|freeze|freezed|locked|blocked|lock)\b/, weight: 1, label: 'account frozen' },
      { pattern: /\b(spelling|spacing|initials?)\b/, weight: 1, label: 'spelling or spacing' },
      { pattern: /\b(legal name|name (in|on) (the |my )?(dsc|digital signature|certificate)|profile name)\b/, weight: 1, label: 'legal/profile name' },
    ],
  },
  {
    category: 'payment_not_reflected',
    title: 'Fee debited but the application still shows Pending Payment',
    source: 'seed 001 (Pending Payment list); seed 002 §3.I(iii) (payment gateway parameters)',
    fix: [
      'List your applications waiting for payment (GET /v1/applications?view=pending-payment) and check the application. If it is still there, the payment did not reach the portal.',
      'If the amount was debited from your account, do not pay again. Reply to this e-mail with the application number, the bank transaction reference (UTR), the date and the amount: the helpdesk will reconcile it with the issuing agency\'s payment gateway. A failed debit is normally reversed by the bank.',
      'If the payment page shows an error before you can pay, the agency\'s gateway parameters (Merchant ID and Checksum) may be wrong; the helpdesk will ask the agency administrator to correct them.',
    ].join('\n'),
    signals: [
      { pattern: /\b(amount|money|payment|fee|rs\.?|inr|₹)[^.\n]{0,40}\b(debited|deducted|cut)\b/, weight: 3, label: 'amount debited' },
      { pattern: /\b(debited|deducted)\b[^.\n]{0,60}\b(not (shown|reflect(ed|ing)?|updated|received|showing)|still (shows?|showing|pending)|pending)/, weight: 3, label: 'debited but not shown' },
      { pattern: /pending payment/, weight: 2, label: '"Pending Payment"' },
      { pattern: /\bpayment\b[^.\n]{0,30}\b(fail(ed|ure)?|not (done|successful|reflect(ed|ing)?|updated)|unsuccessful|stuck|error)\b/, weight: 2, label: 'payment failed' },
      { pattern: /\b(utr|transaction (id|ref|reference|no)|bank reference|payment gateway|checksum|merchant id|e-?wallet)\b/, weight: 1, label: 'payment reference' },
    ],
  },
  {
    category: 'contact_change',
    title: 'Change of registered e-mail address or mobile number',
    errorText: 'In Mobile Number and Email Id - In correct Format',
    source: 'seed 001, FAQ 5 and home page note; seed 003 §4(c); seed 002 §4(v)',
    fix: [
      'Kindly update the mobile number and e-mail ID by visiting the DGFT website (https://dgft.gov.in) and applying for modification of your IEC ("Modify Your IEC").',
      'All exporter details (e-mail, mobile number, address, branches, directors) are fetched from the IEC database: once the IEC is updated at DGFT, the new details populate on this platform automatically.',
    ].join('\n'),
    signals: [
      { pattern: /\b(change|update|modify|modification|correct|replace)\b[^.\n]{0,40}\b(e-?mail( id| address)?|mobile( no\.?| number)?|phone number|contact (details|number))\b/, weight: 3, label: 'change of e-mail/mobile' },
      { pattern: /\b(e-?mail( id| address)?|mobile( no\.?| number)?)\b[^.\n]{0,40}\b(change|update|modify|modification|wrong|incorrect|old|no longer)\b/, weight: 2, label: 'e-mail/mobile outdated' },
      { pattern: /in ?correct format/, weight: 2, label: 'error "In correct Format"' },
      { pattern: /\b(otp|password)\b[^.\n]{0,40}\b(old|previous|wrong) (e-?mail|mobile|number)/, weight: 2, label: 'OTP to old contact' },
    ],
  },
  {
    category: 'session_error',
    title: 'Error "I am in Error" (session expired)',
    errorText: 'I am in Error',
    source: 'seed 001, FAQ 2',
    fix: 'This error appears while uploading a document when the session has ended. Kindly refresh the web browser, log in again and repeat the upload.',
    signals: [
      { pattern: /i am in error/, weight: 3, label: 'error "I am in Error"' },
      { pattern: /\bsession\b[^.\n]{0,30}\b(expired|timed? ?out|time-?out|ended|error|logged out)\b/, weight: 2, label: 'session expired' },
      { pattern: /\b(logged out|log out)\b[^.\n]{0,40}\b(upload|uploading)\b|\b(upload|uploading)\b[^.\n]{0,40}\b(logged out|session)\b/, weight: 2, label: 'logged out while uploading' },
    ],
  },
  {
    category: 'java_launch_error',
    title: 'Error "Unable to launch application" (Java settings)',
    errorText: 'Unable to launch application',
    source: 'seed 001, FAQ 4 and "Java settings"',
    fix: [
      'Kindly check the Java settings as per the manual:',
      '1. Open "Control Panel" and click on "Java".',
      '2. Go to the "Security" tab and add https://coo.dgft.gov.in/ to the "Exception Site List".',
      '3. To add it, click on "Edit Site List", then on "Add", paste the URL and click "OK".',
    ].join('\n'),
    signals: [
      { pattern: /unable to launch (the )?application/, weight: 3, label: 'error "Unable to launch application"' },
      { pattern: /\bjava\b/, weight: 2, label: 'Java' },
      { pattern: /\b(exception site list|edit site list|applet|jnlp)\b/, weight: 2, label: 'Java site list' },
    ],
  },
  {
    category: 'office_not_listed',
    title: 'Office not shown in the drop-down of the application form',
    source: 'seed 001, FAQ 3',
    fix: 'When the drop-down in the application form does not show the office to be selected, the exporter has to do the registration process again.',
    signals: [
      { pattern: /\b(drop ?-?down|dropdown|list)\b[^.\n]{0,50}\b(office|regional office|issuing office)\b[^.\n]{0,30}\b(not|no|empty|blank|missing)\b/, weight: 3, label: 'office missing from the drop-down' },
      { pattern: /\b(office|regional office|issuing office)\b[^.\n]{0,40}\b(not (showing|shown|listed|available|appearing)|missing)\b/, weight: 3, label: 'office not listed' },
      { pattern: /\b(drop ?-?down|dropdown)\b[^.\n]{0,30}\b(empty|blank|not (showing|working|loading))\b/, weight: 1, label: 'empty drop-down' },
    ],
  },
  {
    category: 'iec_details_not_fetched',
    title: 'Branch or director details not fetched from the IEC',
    source: 'seed 001, FAQ 6 and notes; seed 003 §4(d)',
    fix: [
      'Branch and director details are fetched from the DGFT IEC database. When they are not shown on the registration page, it is due to the IEC service not working at that moment: please try again after some time.',
      'If they are still missing or wrong, make sure the latest details are updated in your IEC on the DGFT website (Modify Your IEC); the platform fetches them from there only.',
    ].join('\n'),
    signals: [
      { pattern: /\b(branch|branches|director|directors|partner|gstin|address)\b[^.\n]{0,50}\b(not (getting |being )?(fetched|fetching|populated|populating|shown|showing|coming|displayed))\b/, weight: 3, label: 'IEC details not fetched' },
      { pattern: /\b(fetch|fetched|fetching)\b[^.\n]{0,30}\b(fail(ed|s)?|error|not working|blank|nothing)\b/, weight: 2, label: 'fetch failed' },
      { pattern: /\biec (api|master|database|details)\b/, weight: 1, label: 'IEC database' },
    ],
  },
  {
    category: 'login_credentials',
    title: 'User name and password',
    source: 'seed 001, FAQ 9; seed 002 §4(iii)',
    fix: [
      'User name: your IEC. Password: the one sent to your registered e-mail address after registration.',
      'On eCoO 2.0 (Trade Connect) the login created on the DGFT website (https://dgft.gov.in) works as it is; there is no need to create a new account. Use "Forgot password" there if you have lost it.',
    ].join('\n'),
    signals: [
      { pattern: /\b(forgot|forgotten|lost|reset|did not receive|didn'?t receive|not received)\b[^.\n]{0,30}\b(password|user ?name|credentials|login)\b/, weight: 3, label: 'lost password' },
      { pattern: /\b(user ?name|password|credentials)\b[^.\n]{0,30}\b(not (working|received|valid)|invalid|wrong|incorrect)\b/, weight: 2, label: 'login fails' },
      { pattern: /\b(unable|cannot|can'?t|not able) to (log ?in|login|sign in)\b/, weight: 2, label: 'cannot log in' },
    ],
  },
  {
    category: 'application_status',
    title: 'Status of a submitted application',
    source: 'seed 004, "Track submitted file"',
    fix: [
      'The status of each submitted file is listed by GET /v1/applications?view=submitted (one file: GET /v1/applications/<file-number>/workflow):',
      'In-Process: submitted to the office for processing.',
      'Deficient: the officer raised a query; reply to the deficiency e-mail, or respond with POST /v1/applications/<file-number>/deficiency-response.',
      'Approved Pending Issuance: approved by the officer; the certificate is yet to be digitally signed.',
      'Approved: the certificate has been issued; it is attached to the approval e-mail, and GET /v1/certificates/<certificate-number>/pdf downloads it.',
      'Rejected: the file has been rejected by the officer.',
    ].join('\n'),
    signals: [
      { pattern: /\b(status|update|progress)\b[^.\n]{0,40}\b(application|file|certificate|coo)\b/, weight: 2, label: 'status query' },
      { pattern: /\b(application|file|certificate|coo)\b[^.\n]{0,40}\b(status|pending (since|for)|not (yet )?(approved|issued|processed)|still (pending|in.process))\b/, weight: 2, label: 'status query' },
      { pattern: /\b(when will|how long|by when)\b[^.\n]{0,40}\b(approved|issued|processed|certificate)\b/, weight: 2, label: 'when will it be issued' },
      { pattern: /\bin-?process\b|\bapproved pending issuance\b/, weight: 1, label: 'status name' },
    ],
  },
  {
    category: 'duplicate_certificate',
    title: 'Duplicate or in-lieu certificate',
    source: 'seed 001, "Duplicate Certificate of Origin"; seed 002 §4(i)',
    fix: [
      'A duplicate/in-lieu certificate is requested against the issued certificate through the API: POST /v1/certificate-requests with the certificate number, the kind (duplicate or in-lieu) and the reason, upload the requisite document (POST /v1/certificate-requests/<id>/supporting-documents), then submit, sign and pay as for an application (for example 600 + GST 108 = 708 under IKCEPA at EIC). The officer reviews it and may raise a discrepancy.',
      'An in-lieu CoO against a certificate issued on the legacy eCoO 1.0 system (https://coo.dgft.gov.in) is to be filed on the legacy system.',
    ].join('\n'),
    signals: [
      { pattern: /\bduplicate (certificate|coo|copy)\b|\bin-?lieu\b/, weight: 3, label: 'duplicate/in-lieu certificate' },
      { pattern: /\b(lost|damaged|torn|misplaced)\b[^.\n]{0,40}\b(certificate|coo|original)\b/, weight: 2, label: 'certificate lost or damaged' },
      { pattern: /\b(re-?issue|reissue|another copy|fresh copy)\b/, weight: 1, label: 'reissue' },
    ],
  },
];

export function knownProblem(category: HelpdeskCategory): KnownProblem | null {
  return KNOWN_PROBLEMS.find((p) => p.category === category) ?? null;
}
