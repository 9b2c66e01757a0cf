import { describe, expect, it } from 'vitest';
import {
  displayNumber,
  escapeMrkdwn,
  formatAge,
  formatDateTimeIst,
  formatDay,
  formatMoney,
  formatQuantity,
  slackDate,
  truncate,
} from '../../../channels/slack/blocks/format.js';

describe('Slack text formatting', () => {
  it('escapes the three mrkdwn control characters and nothing else', () => {
    expect(escapeMrkdwn('Sea & Co <Pvt> *Ltd*')).toBe('Sea &amp; Co &lt;Pvt&gt; *Ltd*');
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
  });

  it('truncates to the limit with an ellipsis', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abcde…');
    expect(truncate('abcdefg', 6)).toHaveLength(6);
  });

  it.each([
    [0, 'just now'],
    [59_999, 'just now'],
    [60_000, '1 min'],
    [45 * 60_000, '45 min'],
    [3 * 3_600_000 + 59 * 60_000, '3 h'],
    [24 * 3_600_000, '1 d'],
    [50 * 3_600_000, '2 d 2 h'],
    [-5_000, 'just now'],
  ])('age of %i ms is "%s"', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });

  it('formats money with Indian grouping and two decimals', () => {
    expect(formatMoney(4812.5, 'OMR')).toBe('OMR 4,812.50');
    expect(formatMoney(1234567.891, 'USD')).toBe('USD 12,34,567.89');
    expect(formatQuantity(1200.5)).toBe('1,200.5');
  });

  it('formats calendar dates without shifting the day, and instants in IST', () => {
    expect(formatDay('2026-03-10')).toBe('10 Mar 2026');
    expect(formatDay('not a date')).toBe('not a date');
    expect(formatDateTimeIst('2026-03-12T20:00:00Z')).toBe('13 Mar 2026, 01:30 IST');
  });

  it('renders dates with Slack date tokens and an IST fallback', () => {
    expect(slackDate('2026-03-12T04:00:00Z')).toBe('<!date^1773288000^{date_short_pretty} {time}|12 Mar 2026, 09:30 IST>');
    expect(slackDate('garbage <x>')).toBe('garbage &lt;x&gt;');
  });

  it('prefers the file number', () => {
    expect(displayNumber({ applicationNumber: 'A1', fileNumber: 'F1' })).toBe('F1');
    expect(displayNumber({ applicationNumber: 'A1' })).toBe('A1');
  });
});
