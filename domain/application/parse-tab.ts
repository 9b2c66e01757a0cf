import type { z } from 'zod';
import type { FieldProblem } from '../../lib/errors.js';
import { TAB_SCHEMAS, type TabId, type TabValue } from './schemas.js';
import { TAB_LABELS } from './tab-order.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** Names for the groups of fields, for messages about a whole missing group. */
const GROUP_LABELS: Record<string, string> = {
  importer: 'Importer details',
  invoice: 'Invoice details',
  thirdCountryInvoice: 'Third-country invoice details',
  items: 'Items',
  rawMaterials: 'Raw materials',
  files: 'Attachments',
};

/** Checks one tab's shape; every problem's path starts with the tab id ("certificateDetails/invoice/date"). */
export function parseTab<T extends TabId>(tab: T, input: unknown): ParseResult<TabValue<T>> {
  const schema = TAB_SCHEMAS[tab] as unknown as z.ZodType<TabValue<T>>;
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: problemsFromZodError(result.error, tab) };
}

export function problemsFromZodError(error: z.ZodError, prefix: string): FieldProblem[] {
  return error.issues.map((iss) => {
    const segments = [prefix, ...iss.path.map(String)];
    const path = segments.join('/');
    if (iss.code === 'unrecognized_keys') {
      const where = iss.path.length === 0 ? `the ${TAB_LABELS[prefix as TabId] ?? prefix} tab` : iss.path.map(String).join('/');
      const keys = iss.keys.map((k) => `"${k}"`).join(', ');
      return { path, message: `Unknown field${iss.keys.length > 1 ? 's' : ''} ${keys} in ${where}` };
    }
    if (iss.code === 'invalid_type' && iss.message.startsWith('Invalid input')) {
      const last = iss.path[iss.path.length - 1];
      const label =
        iss.path.length === 0
          ? `The ${TAB_LABELS[prefix as TabId] ?? prefix} tab`
          : typeof last === 'number'
            ? `Entry ${last + 1}`
            : (GROUP_LABELS[String(last)] ?? String(last));
      return { path, message: iss.input === undefined ? `${label} is required` : `${label} must be ${article(iss.expected)}` };
    }
    return { path, message: iss.message };
  });
}

function article(expected: string): string {
  if (expected === 'object') return 'a group of fields';
  if (expected === 'array') return 'a list';
  return `a ${expected}`;
}
