/** The summary table printed at the end of a run. */
import type { BenchResults } from './run.ts';

const number = (value: number, digits = 0) => {
  if (!Number.isFinite(value)) return '–';
  const fraction = { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return value.toLocaleString('en-GB', fraction);
};
const mb = (bytes: number) => `${number(bytes / 1_048_576)} MB`;
const seconds = (ms: number) => `${number(ms / 1000, 2)} s`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

type Row = [figure: string, value: string, note: string];

function table(rows: Row[]): string {
  const figureWidth = Math.max(...rows.map(([figure]) => figure.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  return rows
    .map(([figure, value, note]) =>
      `  ${figure.padEnd(figureWidth)}  ${value.padStart(valueWidth)}  ${note}`.trimEnd())
    .join('\n');
}

/** The figures of a run as a table: throughput, ratios, latency, memory, pacing. */
export function summaryTable(results: BenchResults): string {
  const { a, b, c, ratios, memory, pacing, parameters } = results;
  const rows: Row[] = [];
  const perRound = (runs: number) => (runs > 1 ? `median of ${runs} rounds` : '1 round');

  if (a) {
    rows.push(['(a) smtp-source → smtp-sink', `${number(a.perSecond)} msg/s`,
      `${perRound(a.runs.length)}, ${a.runs[0]!.sessions} sessions`]);
  } else if (results.skipped.a) {
    rows.push(['(a) smtp-source → smtp-sink', 'skipped', results.skipped.a]);
  }
  if (b) {
    rows.push(['(b) nodemailer pool → sink', `${number(b.perSecond)} msg/s`,
      `${perRound(b.runs.length)}, ${number(b.cpuUsPerMessage)} µs CPU/msg`]);
  }
  if (c) {
    rows.push(['(c) portal end to end', `${number(c.perSecond)} msg/s`,
      `${perRound(c.runs.length)}, ${number(c.cpuUsPerMessage)} µs CPU/msg`]);
  }
  if (ratios.cOverB !== undefined) {
    rows.push(['(c) / (b)', number(ratios.cOverB, 2),
      `target ≥ 0.80: ${verdict(ratios.cOverB >= 0.8)}`]);
  }
  if (ratios.cOverBByCpu !== undefined) {
    rows.push(['(c) / (b) by CPU time', number(ratios.cOverBByCpu, 2),
      'messages per CPU second; less sensitive to other load']);
  }
  if (ratios.bOverA !== undefined) rows.push(['(b) / (a)', number(ratios.bOverA, 2), '']);
  if (c) {
    rows.push(['enqueue rate, worker on', `${number(c.enqueuePerSecond)} msg/s`,
      `batch API, ${number(1000)} a request, during (c)`]);
    rows.push(['latency enqueue → sent, p50', seconds(c.latencyMs.p50),
      `${number(parameters.messages)} enqueued at once: mostly time in the queue`]);
    rows.push(['latency enqueue → sent, p99', seconds(c.latencyMs.p99), '']);
    const light = c.runs[c.runs.length - 1]!.lightLoad;
    rows.push(['latency, light load, p50 / p99',
      `${number(c.lightLoadMs.p50)} / ${number(c.lightLoadMs.p99)} ms`,
      `${light.messages} single messages, one every ${light.gapMs} ms, empty queue`]);
  }
  if (memory) {
    const queued = number(memory.queued);
    rows.push(['enqueue rate, worker off', `${number(memory.enqueue.perSecond)} msg/s`,
      `${queued} messages`]);
    const underTarget = memory.peakRssBytes < 300 * 1_048_576;
    rows.push([`peak RSS, ${queued} queued`, mb(memory.peakRssBytes),
      `target < 300 MB: ${verdict(underTarget)}; idle ${mb(memory.idle.rss)}`]);
    rows.push([`peak heap, ${queued} queued`, mb(memory.peakHeapBytes),
      `at rest ${mb(memory.atRest.heapUsed)} after a collection`]);
    if (memory.drain && memory.draining) {
      rows.push([`drain of ${queued}`, `${number(memory.drain.perSecond)} msg/s`,
        `peak RSS while draining ${mb(memory.draining.peakRss)}`]);
    }
  }
  if (pacing) {
    const rule = `${pacing.bulkSize} per ${pacing.intervalSeconds} s`;
    rows.push([`pacing ${rule}, sustained`, `${number(pacing.sustainedPerSecond, 1)} msg/s`,
      `${number(pacing.messages)} CRM messages; allowed ${number(pacing.allowedPerSecond)} msg/s`]);
    rows.push([`pacing, most in any ${pacing.intervalSeconds} s`, number(pacing.busiestInterval),
      `by hand-off start ${pacing.busiestIntervalByMailFrom}: `
        + `${pacing.withinRule ? 'within' : 'OVER'} the rule`]);
  }
  return table(rows);
}
