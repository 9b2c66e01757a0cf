import { describe, expect, it } from 'vitest';
import { helpText, parseCommand } from '../../../channels/slack/parse-command.js';

describe('/coo command text', () => {
  it.each([
    ['', { kind: 'help' }],
    ['  help ', { kind: 'help' }],
    ['?', { kind: 'help' }],
    ['queue', { kind: 'queue' }],
    ['HQRCCOAPPLY00000019AM25', { kind: 'lookup', number: 'HQRCCOAPPLY00000019AM25' }],
    [' hqrccoapply00000019am25 ', { kind: 'lookup', number: 'HQRCCOAPPLY00000019AM25' }],
    ['MPEDA/2019/013/0000081A', { kind: 'lookup', number: 'MPEDA/2019/013/0000081A' }],
    ['link ab12-cd34', { kind: 'link', code: 'AB12-CD34' }],
    ['LINK  AB12 CD34', { kind: 'link', code: 'AB12CD34' }],
  ] as const)('"%s"', (text, expected) => {
    expect(parseCommand(text, '/coo')).toEqual(expected);
  });

  it.each([
    ['link', 'Type `/coo link` followed by the code your agency administrator gave you.'],
    ['link <script>', 'A link code is 4 to 32 letters and digits; check the code and try again.'],
    ['show me HQRC', 'Give one application or file number, for example `/coo HQRCCOAPPLY00000019AM25`.'],
    ['abc', '“abc” is not an application or file number. Example: `/coo HQRCCOAPPLY00000019AM25`.'],
    ['queue now', 'Give one application or file number, for example `/coo HQRCCOAPPLY00000019AM25`.'],
  ])('refuses "%s"', (text, message) => {
    expect(parseCommand(text, '/coo')).toEqual({ kind: 'invalid', message });
  });

  it('uses the configured command name in help', () => {
    expect(helpText('/certificate')).toContain('`/certificate link <code>`');
  });
});
