/**
 * Invoice currencies accepted on an application (ISO 4217), with the number of decimal places
 * (minor units) an amount in that currency can have.
 */
export const CURRENCIES: ReadonlyMap<string, { name: string; minorUnits: number }> = new Map([
  ['AED', { name: 'UAE Dirham', minorUnits: 2 }],
  ['AUD', { name: 'Australian Dollar', minorUnits: 2 }],
  ['BDT', { name: 'Bangladeshi Taka', minorUnits: 2 }],
  ['BHD', { name: 'Bahraini Dinar', minorUnits: 3 }],
  ['BND', { name: 'Brunei Dollar', minorUnits: 2 }],
  ['BRL', { name: 'Brazilian Real', minorUnits: 2 }],
  ['CAD', { name: 'Canadian Dollar', minorUnits: 2 }],
  ['CHF', { name: 'Swiss Franc', minorUnits: 2 }],
  ['CLP', { name: 'Chilean Peso', minorUnits: 0 }],
  ['CNY', { name: 'Chinese Yuan Renminbi', minorUnits: 2 }],
  ['DKK', { name: 'Danish Krone', minorUnits: 2 }],
  ['EUR', { name: 'Euro', minorUnits: 2 }],
  ['GBP', { name: 'Pound Sterling', minorUnits: 2 }],
  ['HKD', { name: 'Hong Kong Dollar', minorUnits: 2 }],
  ['IDR', { name: 'Indonesian Rupiah', minorUnits: 2 }],
  ['INR', { name: 'Indian Rupee', minorUnits: 2 }],
  ['JPY', { name: 'Japanese Yen', minorUnits: 0 }],
  ['KHR', { name: 'Cambodian Riel', minorUnits: 2 }],
  ['KRW', { name: 'Korean Won', minorUnits: 0 }],
  ['KWD', { name: 'Kuwaiti Dinar', minorUnits: 3 }],
  ['LAK', { name: 'Lao Kip', minorUnits: 2 }],
  ['LKR', { name: 'Sri Lanka Rupee', minorUnits: 2 }],
  ['MMK', { name: 'Myanmar Kyat', minorUnits: 2 }],
  ['MNT', { name: 'Mongolian Tugrik', minorUnits: 2 }],
  ['MVR', { name: 'Maldivian Rufiyaa', minorUnits: 2 }],
  ['MYR', { name: 'Malaysian Ringgit', minorUnits: 2 }],
  ['NOK', { name: 'Norwegian Krone', minorUnits: 2 }],
  ['NPR', { name: 'Nepalese Rupee', minorUnits: 2 }],
  ['NZD', { name: 'New Zealand Dollar', minorUnits: 2 }],
  ['OMR', { name: 'Rial Omani', minorUnits: 3 }],
  ['PHP', { name: 'Philippine Peso', minorUnits: 2 }],
  ['PKR', { name: 'Pakistan Rupee', minorUnits: 2 }],
  ['QAR', { name: 'Qatari Riyal', minorUnits: 2 }],
  ['RUB', { name: 'Russian Ruble', minorUnits: 2 }],
  ['SAR', { name: 'Saudi Riyal', minorUnits: 2 }],
  ['SEK', { name: 'Swedish Krona', minorUnits: 2 }],
  ['SGD', { name: 'Singapore Dollar', minorUnits: 2 }],
  ['THB', { name: 'Thai Baht', minorUnits: 2 }],
  ['TRY', { name: 'Turkish Lira', minorUnits: 2 }],
  ['USD', { name: 'US Dollar', minorUnits: 2 }],
  ['VND', { name: 'Vietnamese Dong', minorUnits: 0 }],
  ['ZAR', { name: 'South African Rand', minorUnits: 2 }],
]);

export function currencyMinorUnits(code: string): number | undefined {
  return CURRENCIES.get(code)?.minorUnits;
}
