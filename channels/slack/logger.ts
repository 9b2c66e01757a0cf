import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';

/** The structured logger the project uses (pino's `logger.info(obj, msg)` form). */
export interface StructuredLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Bolt and its Web API client log with console-style variadic arguments; this turns them into one
 * structured entry (the first string is the message, Errors go under `err`). Levels are left to
 * the structured logger.
 */
export function toBoltLogger(log: StructuredLogger, name = 'slack'): BoltLogger {
  let level = LogLevel.DEBUG;
  const forward =
    (method: keyof StructuredLogger) =>
    (...parts: unknown[]): void => {
      const message = parts.filter((p): p is string => typeof p === 'string').join(' ');
      const err = parts.find((p): p is Error => p instanceof Error);
      const data = parts.filter((p) => typeof p !== 'string' && !(p instanceof Error));
      log[method]({ component: name, ...(err ? { err } : {}), ...(data.length > 0 ? { data } : {}) }, message);
    };
  return {
    debug: forward('debug'),
    info: forward('info'),
    warn: forward('warn'),
    error: forward('error'),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      name = n;
    },
  };
}
