/**
 * Text from people (mail bodies and subjects, Slack modal fields) without NUL characters: no one types
 * them, PostgreSQL refuses them in text, and a message holding one would otherwise fail every retry.
 */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.split('\u0000').join('') : text;
}
