/** What `/coo …` asks for. Pure: the handler does the I/O. */
export type CoOCommand =
  | { kind: 'help' }
  | { kind: 'queue' }
  | { kind: 'link'; code: string }
  | { kind: 'lookup'; number: string }
  | { kind: 'invalid'; message: string };

/** Application and file numbers are letters and digits, legacy ones with "/" (MPEDA/2019/013/0000081A). */
const NUMBER = /^[A-Z0-9][A-Z0-9/-]{5,39}$/;
const CODE = /^[A-Z0-9-]{4,32}$/;

export function parseCommand(text: string, command: string): CoOCommand {
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  const [first, ...rest] = words;
  if (first === undefined || /^(help|\?)$/i.test(first)) return { kind: 'help' };
  if (/^queue$/i.test(first) && rest.length === 0) return { kind: 'queue' };
  if (/^link$/i.test(first)) {
    const code = rest.join('').toUpperCase();
    if (code === '') return { kind: 'invalid', message: `Type \`${command} link\` followed by the code your agency administrator gave you.` };
    if (!CODE.test(code)) return { kind: 'invalid', message: 'A link code is 4 to 32 letters and digits; check the code and try again.' };
    return { kind: 'link', code };
  }
  if (words.length > 1) {
    return { kind: 'invalid', message: `Give one application or file number, for example \`${command} HQRCCOAPPLY00000019AM25\`.` };
  }
  const number = first.toUpperCase();
  if (!NUMBER.test(number)) {
    return {
      kind: 'invalid',
      message: `“${first.slice(0, 60)}” is not an application or file number. Example: \`${command} HQRCCOAPPLY00000019AM25\`.`,
    };
  }
  return { kind: 'lookup', number };
}

export function helpText(command: string): string {
  return [
    '*Certificates of Origin*',
    `\`${command} <application or file number>\`: show an application`,
    `\`${command} queue\`: the files waiting in your office, oldest first`,
    `\`${command} link <code>\`: link your Slack account to your officer account with the code from your agency administrator`,
  ].join('\n');
}
