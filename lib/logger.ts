import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; every process names itself in `service`. */
export function createLogger(opts: { level: string; service: string }): Logger {
  return pino({
    level: opts.level,
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.p12Base64'], censor: '[redacted]' },
  });
}
