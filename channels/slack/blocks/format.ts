/** Text helpers for Slack's mrkdwn and for the figures officers read. Pure functions. */

const IST = 'Asia/Kolkata';

/** Slack mrkdwn treats &, < and > as control characters; user-provided text must escape them. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts text to `max` characters (Block Kit refuses longer fields), marking the cut with "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** "just now", "45 min", "3 h", "2 d 4 h": how long a file has waited. */
export function formatAge(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest === 0 ? `${days} d` : `${days} d ${rest} h`;
}

/** "USD 12,500.00" with Indian digit grouping, as the back-office shows amounts. */
export function formatMoney(amount: number, currency: string): string {
  return `${currency} ${amount.toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function formatQuantity(quantity: number): string {
  return quantity.toLocaleString('en-IN', { maximumFractionDigits: 3 });
}

/** "12 Mar 2026, 14:05 IST" for an ISO timestamp. */
export function formatDateTimeIst(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone: IST,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date);
  return `${text} IST`;
}

/** "10 Mar 2026" for a calendar date ("2026-03-10"), without moving it across time zones. */
export function formatDay(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!match) return isoDate;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).format(date);
}

/**
 * A timestamp Slack renders in each reader's own time zone, with an IST fallback for clients that
 * cannot (notifications, old apps).
 */
export function slackDate(iso: string): string {
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${formatDateTimeIst(iso)}>`;
}

/** The number officers know a file by: the file number once it exists, else the application number. */
export function displayNumber(card: { applicationNumber: string; fileNumber?: string }): string {
  return card.fileNumber ?? card.applicationNumber;
}
