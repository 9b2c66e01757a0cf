import type { FieldProblem } from '../../lib/errors.js';
import { CURRENCIES, currencyMinorUnits } from '../reference/currencies.js';
import { conversionTolerance, decimalPlaces, formatAmount, matchesConversion } from './money.js';
import type { Invoice } from './schemas.js';

const P = 'certificateDetails/invoice';
const RATE_DECIMALS = 6;

/**
 * Currencies, values and exchange rates agree: value in USD = value × rate to USD and value in
 * INR = value × rate to INR, within the conversion tolerance (money.ts: 0.1%, at least 0.01);
 * amounts have no more decimals than their currency has; for an invoice in USD (INR) the rate to
 * USD (INR) is 1 and the two values are equal. Third-country invoicing needs its details.
 */
export function checkInvoiceValues(invoice: Invoice): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const minor = currencyMinorUnits(invoice.currency);
  if (minor === undefined) {
    problems.push({
      path: `${P}/currency`,
      message: `${invoice.currency} is not an accepted invoice currency; use one of ${[...CURRENCIES.keys()].join(', ')}`,
    });
  } else {
    problems.push(...checkDecimals(`${P}/valueInCurrency`, 'Invoice value', invoice.valueInCurrency, invoice.currency, minor));
  }
  problems.push(...checkDecimals(`${P}/valueUsd`, 'Invoice value in USD', invoice.valueUsd, 'USD', 2));
  problems.push(...checkDecimals(`${P}/valueInr`, 'Invoice value in INR', invoice.valueInr, 'INR', 2));
  for (const [field, label] of [
    ['exchangeRateToInr', 'Exchange rate (to INR)'],
    ['exchangeRateToUsd', 'Exchange rate (to USD)'],
  ] as const) {
    if (decimalPlaces(invoice[field]) > RATE_DECIMALS) {
      problems.push({ path: `${P}/${field}`, message: `${label} can have at most ${RATE_DECIMALS} decimal places` });
    }
  }

  if (invoice.currency === 'USD' && invoice.exchangeRateToUsd !== 1) {
    problems.push({ path: `${P}/exchangeRateToUsd`, message: `The invoice is in USD, so its exchange rate to USD is 1 (not ${invoice.exchangeRateToUsd})` });
  }
  if (invoice.currency === 'INR' && invoice.exchangeRateToInr !== 1) {
    problems.push({ path: `${P}/exchangeRateToInr`, message: `The invoice is in INR, so its exchange rate to INR is 1 (not ${invoice.exchangeRateToInr})` });
  }
  problems.push(
    ...checkConversion(`${P}/valueUsd`, 'Invoice value in USD', invoice.valueUsd, invoice.valueInCurrency, invoice.exchangeRateToUsd, invoice.currency, 'USD'),
    ...checkConversion(`${P}/valueInr`, 'Invoice value in INR', invoice.valueInr, invoice.valueInCurrency, invoice.exchangeRateToInr, invoice.currency, 'INR'),
  );

  if (invoice.thirdCountryInvoicing && invoice.thirdCountryInvoice === undefined) {
    problems.push({
      path: `${P}/thirdCountryInvoice`,
      message: 'Third country invoicing is "Yes": enter the third-country operator (name, address, country)',
    });
  }
  if (!invoice.thirdCountryInvoicing && invoice.thirdCountryInvoice !== undefined) {
    problems.push({
      path: `${P}/thirdCountryInvoice`,
      message: 'Third country invoicing is "No": remove the third-country operator details or choose "Yes"',
    });
  }
  if (invoice.thirdCountryInvoice?.operatorCountry === 'IN') {
    problems.push({ path: `${P}/thirdCountryInvoice/operatorCountry`, message: 'A third-country operator is outside India' });
  }
  return problems;
}

export function checkDecimals(path: string, label: string, value: number, currency: string, minor: number): FieldProblem[] {
  if (decimalPlaces(value) <= minor) return [];
  const message =
    minor === 0
      ? `${label} ${value} ${currency} cannot have decimals: ${currency} has no minor unit`
      : `${label} ${value} ${currency} can have at most ${minor} decimal places`;
  return [{ path, message }];
}

/** declared ≈ value × rate, within the conversion tolerance. */
export function checkConversion(
  path: string,
  label: string,
  declared: number,
  value: number,
  rate: number,
  fromCurrency: string,
  toCurrency: string,
): FieldProblem[] {
  const expected = value * rate;
  if (matchesConversion(declared, expected)) return [];
  return [
    {
      path,
      message: `${label} (${formatAmount(declared)}) does not match ${formatAmount(value, decimalsFor(fromCurrency))} ${fromCurrency} × ${rate} = ${formatAmount(expected)} ${toCurrency} (allowed difference ${formatAmount(conversionTolerance(expected))}); correct the value or the exchange rate`,
    },
  ];
}

function decimalsFor(currency: string): number {
  return currencyMinorUnits(currency) ?? 2;
}
