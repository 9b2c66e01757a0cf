import type { FieldProblem } from '../../lib/errors.js';
import { currencyMinorUnits } from '../reference/currencies.js';
import { checkConversion, checkDecimals } from './check-invoice-values.js';
import { formatAmount, toMinor } from './money.js';
import type { ExportProducts, Invoice } from './schemas.js';

const P = 'exportProducts/items';

/**
 * Tab 3, item by item: item numbers unique, the HS code is the start of the ITC-HS code, and
 * each item's USD and INR values follow from its value at the invoice's exchange rates.
 */
export function checkExportProducts(products: ExportProducts, invoice: Invoice): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<number>();
  const minor = currencyMinorUnits(invoice.currency) ?? 2;
  products.items.forEach((item, i) => {
    const at = `${P}/${i}`;
    if (seen.has(item.itemNo)) problems.push({ path: `${at}/itemNo`, message: `Item number ${item.itemNo} is used twice` });
    seen.add(item.itemNo);
    if (!item.itcHsCode.startsWith(item.hsCode)) {
      problems.push({
        path: `${at}/hsCode`,
        message: `HS code ${item.hsCode} of item ${item.itemNo} does not match its ITC-HS code ${item.itcHsCode}: the HS code is the first 4 or 6 digits of the ITC-HS code (${item.itcHsCode.slice(0, 4)} or ${item.itcHsCode.slice(0, 6)})`,
      });
    }
    problems.push(
      ...checkDecimals(`${at}/valueInCurrency`, `Value of item ${item.itemNo}`, item.valueInCurrency, invoice.currency, minor),
      ...checkDecimals(`${at}/valueUsd`, `Value of item ${item.itemNo} in USD`, item.valueUsd, 'USD', 2),
      ...checkDecimals(`${at}/valueInr`, `Value of item ${item.itemNo} in INR`, item.valueInr, 'INR', 2),
      ...checkConversion(`${at}/valueUsd`, `Value of item ${item.itemNo} in USD`, item.valueUsd, item.valueInCurrency, invoice.exchangeRateToUsd, invoice.currency, 'USD'),
      ...checkConversion(`${at}/valueInr`, `Value of item ${item.itemNo} in INR`, item.valueInr, item.valueInCurrency, invoice.exchangeRateToInr, invoice.currency, 'INR'),
    );
  });
  return problems;
}

/**
 * The items add up to the invoice ("Sum of Items value should be same as of Invoice Value",
 * seed 004): exactly in the invoice currency; in USD and INR within one cent/paisa per item,
 * because each item's converted value was rounded on its own.
 */
export function checkItemTotals(products: ExportProducts, invoice: Invoice): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const minor = currencyMinorUnits(invoice.currency) ?? 2;
  const n = products.items.length;
  const columns = [
    { field: 'valueInCurrency', currency: invoice.currency, minor, slack: 0, total: invoice.valueInCurrency },
    { field: 'valueUsd', currency: 'USD', minor: 2, slack: n, total: invoice.valueUsd },
    { field: 'valueInr', currency: 'INR', minor: 2, slack: n, total: invoice.valueInr },
  ] as const;
  for (const col of columns) {
    if (col.field !== 'valueInCurrency' && col.currency === invoice.currency) continue;
    const sum = products.items.reduce((s, item) => s + toMinor(item[col.field], col.minor), 0);
    const total = toMinor(col.total, col.minor);
    if (Math.abs(sum - total) > col.slack) {
      const scale = 10 ** col.minor;
      problems.push({
        path: `exportProducts/items`,
        message: `The export items add up to ${formatAmount(sum / scale, col.minor)} ${col.currency} but the invoice value is ${formatAmount(total / scale, col.minor)} ${col.currency} (difference ${formatAmount(Math.abs(sum - total) / scale, col.minor)}); the item values must add up to the invoice value`,
      });
    }
  }
  return problems;
}
