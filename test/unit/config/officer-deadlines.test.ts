import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../lib/config.js';

describe('officer deadlines in the configuration', () => {
  it('defaults to days: reminders before the escalation', () => {
    const c = loadConfig({});
    expect(c.timings.reviewReminders).toEqual(['2 days']);
    expect(c.timings.reviewEscalation).toBe('5 days');
    expect(c.timings.certificateSignatureReminders).toEqual(['1 day']);
    expect(c.timings.certificateSignatureEscalation).toBe('3 days');
  });

  it('takes seconds for tests and lists of reminders', () => {
    const c = loadConfig({ APP_REVIEW_REMINDERS: '1 second, 2 seconds', APP_REVIEW_ESCALATION: '4 seconds' });
    expect(c.timings.reviewReminders).toEqual(['1 second', '2 seconds']);
    expect(c.timings.reviewEscalation).toBe('4 seconds');
  });

  it('refuses a reminder that would come after the escalation, naming both variables', () => {
    const e = (() => {
      try {
        loadConfig({ APP_REVIEW_REMINDERS: '1 day,6 days', APP_REVIEW_ESCALATION: '5 days' });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ConfigError);
    expect(String((e as Error).message)).toContain('APP_REVIEW_REMINDERS: every reminder must come before APP_REVIEW_ESCALATION (5 days); 6 days does not');
  });

  it('refuses a malformed duration', () => {
    expect(() => loadConfig({ APP_CERTIFICATE_SIGNATURE_ESCALATION: 'soon' })).toThrow(/APP_CERTIFICATE_SIGNATURE_ESCALATION/);
  });
});
