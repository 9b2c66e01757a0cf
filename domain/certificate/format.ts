const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** "2026-06-02" → "02 JUN 2026": unambiguous for readers on both sides of the border. */
export function formatCertificateDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) return isoDate;
  const month = MONTHS[Number(m[2]) - 1];
  return month ? `${m[3]} ${month} ${m[1]}` : isoDate;
}

const AMOUNT = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const QUANTITY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

/** 125000 → "125,000.00" (international grouping; the document is read abroad). */
export function formatAmount(value: number): string {
  return AMOUNT.format(value);
}

export function formatMoney(value: number, currency: string): string {
  return `${currency} ${formatAmount(value)}`;
}

/** 1250.5 → "1,250.5"; quantities keep up to three decimals. */
export function formatQuantity(value: number): string {
  return QUANTITY.format(value);
}
