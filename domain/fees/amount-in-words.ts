const ONES = [
  'Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine',
  'Ten', 'Eleven', 'Twelve', 'Thirteen', 'Fourteen', 'Fifteen', 'Sixteen', 'Seventeen', 'Eighteen', 'Nineteen',
];
const TENS = ['', '', 'Twenty', 'Thirty', 'Forty', 'Fifty', 'Sixty', 'Seventy', 'Eighty', 'Ninety'];

const CRORE = 10_000_000;
const LAKH = 100_000;
const THOUSAND = 1_000;

/** 1–99: "Seven", "Nineteen", "Ninety-Two". */
function belowHundred(n: number): string {
  if (n < 20) return ONES[n] as string;
  const unit = n % 10;
  return `${TENS[Math.floor(n / 10)] as string}${unit ? `-${ONES[unit] as string}` : ''}`;
}

/** 1–999, without "and" (as printed on GST invoices): "Six Hundred Seventy-Eight". */
function belowThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds) parts.push(`${ONES[hundreds] as string} Hundred`);
  if (rest) parts.push(belowHundred(rest));
  return parts.join(' ');
}

/**
 * A positive whole number in the Indian system: crore, lakh, thousand, hundred. A count of crores
 * of 100 or more is itself spelled the same way, as Indian budgets do: 10⁹ is "One Hundred Crore",
 * 10¹² "One Lakh Crore".
 */
function indianWords(n: number): string {
  const parts: string[] = [];
  const crores = Math.floor(n / CRORE);
  let rest = n % CRORE;
  if (crores) parts.push(`${indianWords(crores)} Crore`);
  const lakhs = Math.floor(rest / LAKH);
  rest %= LAKH;
  if (lakhs) parts.push(`${belowHundred(lakhs)} Lakh`);
  const thousands = Math.floor(rest / THOUSAND);
  rest %= THOUSAND;
  if (thousands) parts.push(`${belowHundred(thousands)} Thousand`);
  if (rest) parts.push(belowThousand(rest));
  return parts.join(' ');
}

/**
 * The amount in words for a tax invoice, from integer paise:
 * 39200 → "Rupees Three Hundred Ninety-Two Only",
 * 1234567850 → "Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight and Fifty Paise Only".
 * Paise are added only when there are some; zero rupees are written "Zero". Any safe integer number
 * of paise is accepted (up to about 90 lakh crore rupees).
 */
export function rupeesInWords(paise: number): string {
  if (!Number.isSafeInteger(paise) || paise < 0) throw new RangeError(`Amount ${paise} must be whole, non-negative paise`);
  const rupees = Math.floor(paise / 100);
  const rest = paise % 100;
  const rupeeWords = rupees ? indianWords(rupees) : 'Zero';
  return rest ? `Rupees ${rupeeWords} and ${belowHundred(rest)} Paise Only` : `Rupees ${rupeeWords} Only`;
}
