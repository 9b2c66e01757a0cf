/**
 * Waiting for an observable condition instead of a clock: polls `check` every `intervalMs` until it
 * gives a value, and fails after `timeoutMs` with an error naming what was awaited and the last value
 * (or error) seen.
 *
 *   const row = await waitFor(() => em.findOne(InboundMail, { messageId }), { what: 'the inbound mail row' });
 *   const state = await waitFor(() => workflowState(stack, token, id), { what: 'Approved', until: (s) => s.status === 'Approved' });
 *
 * Without `until`, the wait ends on the first value that is not undefined, null or false, and returns it.
 * With `until`, it ends on the first value `until` accepts (the value is returned as read).
 * An error thrown by `check` ends the wait at once (a 404, a crashed process), unless `retryErrors` is set:
 * then it counts as "not yet" and is reported if the time runs out.
 */
import { inspect } from 'node:util';

export interface WaitForOptions {
  /** what is awaited, for the error message: "the ticket of <id>", "status Approved" */
  what: string;
  /** default 30 s */
  timeoutMs?: number;
  /** default 50 ms */
  intervalMs?: number;
  /** treat an error thrown by `check` as "not yet" (default false: it is rethrown at once) */
  retryErrors?: boolean;
}

interface WithValue<T> {
  /** what of the last value to print on timeout (default: all of it) */
  show?: (value: T) => unknown;
}

type Ready<T> = Exclude<T, undefined | null | false>;

export function waitFor<T>(check: () => T | Promise<T>, opts: WaitForOptions & WithValue<T> & { until: (value: T) => boolean }): Promise<T>;
export function waitFor<T>(check: () => T | Promise<T>, opts: WaitForOptions & WithValue<T>): Promise<Ready<T>>;
export async function waitFor<T>(check: () => T | Promise<T>, opts: WaitForOptions & WithValue<T> & { until?: (value: T) => boolean }): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 50;
  const ready = opts.until ?? ((v: T) => v !== undefined && v !== null && v !== false);
  const started = Date.now();
  let last: { value: T } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await check();
      last = { value };
      if (ready(value)) return value;
    } catch (error) {
      if (!opts.retryErrors) throw error;
      last = { error };
    }
    if (Date.now() - started >= timeoutMs) {
      const seen = last === undefined ? 'nothing' : 'error' in last ? `the error ${String(last.error)}` : inspect(opts.show ? opts.show(last.value) : last.value, { depth: 4, breakLength: Infinity, maxStringLength: 500 });
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what}; last seen: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
