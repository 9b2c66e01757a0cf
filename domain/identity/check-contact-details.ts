/**
 * E-mail and mobile number come from the IEC master and are never typed in. Seed 001, FAQ 5 ("Error in
 * Mobile Number and Email Id"): "Kindly update the mobile number and email id by visiting DGFT website and
 * apply for modification of IEC."
 */
export const CONTACT_DETAILS_FROM_IEC =
  'Your e-mail address and mobile number are taken from your IEC in DGFT\'s IEC master and cannot be entered or changed here. ' +
  'Kindly update the mobile number and email id by visiting DGFT website and apply for modification of IEC; ' +
  'the new details then come to this portal when the IEC record is refreshed.';

const normEmail = (s: string) => s.trim().toLowerCase();
const normMobile = (s: string) => s.replace(/[\s()-]/g, '').replace(/^0+/, '').replace(/^\+?91(?=\d{10}$)/, '');

/**
 * Compares contact details a client sent with those of the IEC master; returns the fields that differ
 * (an empty list when the client sent none or the same ones).
 */
export function differingContactDetails(
  sent: { email?: string | undefined; mobile?: string | undefined },
  master: { email: string; mobile: string },
): ('email' | 'mobile')[] {
  const out: ('email' | 'mobile')[] = [];
  if (sent.email !== undefined && normEmail(sent.email) !== normEmail(master.email)) out.push('email');
  if (sent.mobile !== undefined && normMobile(sent.mobile) !== normMobile(master.mobile)) out.push('mobile');
  return out;
}
