import type { FieldProblem } from '../../lib/errors.js';
import { countryName, countryNameVariants, isCountryCode } from '../reference/countries.js';
import type { TradeAgreement } from '../reference/types.js';
import type { Importer } from './schemas.js';

const P = 'certificateDetails/importer';

/**
 * Importer details: a real country, not India, a partner of the agreement (preferential), and an
 * address that does not repeat the country ("Do not enter country name in address field to avoid
 * duplicate printing", seed 004).
 */
export function checkImporter(importer: Importer, agreement: TradeAgreement | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isCountryCode(importer.country)) {
    problems.push({ path: `${P}/country`, message: `${importer.country} is not an ISO 3166 country code` });
    return problems;
  }
  if (importer.country === 'IN') {
    problems.push({ path: `${P}/country`, message: 'The importer must be outside India: a certificate of origin accompanies an export' });
  } else if (agreement !== undefined && agreement.partnerCountries.length > 0 && !agreement.partnerCountries.includes(importer.country)) {
    const partners = agreement.partnerCountries.map((c) => `${countryName(c)} (${c})`).join(', ');
    problems.push({
      path: `${P}/country`,
      message: `${countryName(importer.country)} is not a partner of ${agreement.title}; its partner countries are ${partners}`,
    });
  }
  const found = findCountryInAddress(importer.address, importer.country);
  if (found !== undefined) {
    problems.push({
      path: `${P}/address`,
      message: `Remove "${found}" from the importer address: the country (${countryName(importer.country)}) is a separate field and is printed after the address`,
    });
  }
  return problems;
}

/**
 * The way the country is written in the address, if it is. Only the last two lines/segments of
 * the address are searched (where a country is written), so that a street or building named after
 * the country ("Korea Exchange Bank Building") is not mistaken for it; the bare country codes
 * (KR, KOR) count only as the very last word.
 */
export function findCountryInAddress(address: string, country: string): string | undefined {
  const segments = address
    .split(/[,\n;]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const tail = normalise(segments.slice(-2).join(' '));
  const padded = ` ${tail} `;
  const { names, trailingCodes } = countryNameVariants(country);
  const byLength = [...names].sort((a, b) => b.length - a.length);
  for (const name of byLength) {
    const n = normalise(name);
    if (n.length > 0 && padded.includes(` ${n} `)) return originalSpelling(address, name);
  }
  const words = tail.split(' ');
  const last = words[words.length - 1];
  if (last !== undefined && trailingCodes.includes(last)) return last;
  return undefined;
}

/** Upper case, accents and dots dropped (U.S.A. → USA), other punctuation as spaces. */
function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[.'’]/g, '')
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
}

/** The words as the exporter typed them, for the message (falls back to the variant). */
function originalSpelling(address: string, variant: string): string {
  const words = normalise(variant).split(' ').map((w) => w.split('').join("[.'’]?"));
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${words.join("[^\\p{L}\\p{N}]+")}[.]?(?![\\p{L}\\p{N}])`, 'iu');
  const m = re.exec(address.normalize('NFD').replace(/\p{M}/gu, ''));
  return m === null ? variant : m[0];
}
