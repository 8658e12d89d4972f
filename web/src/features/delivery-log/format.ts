/** How the delivery log writes times, durations and address lists. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** A moment as date and time; today's as the time alone, which is what a log is read for. */
export function formatMoment(iso: string, now = new Date()): string {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return iso;
  return moment.toDateString() === now.toDateString()
    ? timeOnly.format(moment)
    : dateTime.format(moment);
}

/** A moment with its date, always: for details that are read on their own. */
export function formatFullMoment(iso: string): string {
  const moment = new Date(iso);
  return Number.isNaN(moment.getTime()) ? iso : dateTime.format(moment);
}

/** An attempt's duration: milliseconds below a second, seconds with one decimal above. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The first addresses of a list and how many more there are. */
export function shortList(addresses: string[], shown = 2): string {
  if (addresses.length <= shown) return addresses.join(', ');
  return `${addresses.slice(0, shown).join(', ')} and ${addresses.length - shown} more`;
}

/** Who signed a message, in words: mail that no user caused is signed by the company. */
export function senderLabel(sender: string): string {
  return sender === 'company' ? 'The company' : sender;
}
