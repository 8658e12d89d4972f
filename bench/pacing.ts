/**
 * Pacing accuracy: with Queuing Enabled, CRM messages enqueued at once must reach the server
 * at no more than Bulk Size in any Bulk Sending Interval. Measured at the receiving side.
 */
import { startArrivalRecorder } from './arrival-recorder.ts';
import { configureSmtp, enqueueMessages, startBenchPortal, waitUntilSent } from './portal.ts';
import { note, progress } from './progress.ts';
import { busiestWindow, sustainedRate } from './stats.ts';

export interface PacingResult {
  messages: number;
  bulkSize: number;
  intervalSeconds: number;
  /** Bulk Size per Bulk Sending Interval: the most the rule allows, per second. */
  allowedPerSecond: number;
  /** Least-squares slope of arrivals over time. */
  sustainedPerSecond: number;
  /** Most messages whose data ended within any one interval (sliding window). */
  busiestInterval: number;
  /** The same, counted by MAIL FROM: when each hand-off started. */
  busiestIntervalByMailFrom: number;
  /** First to last arrival. */
  spanMs: number;
  withinRule: boolean;
}

export async function runPacing(
  messages: number,
  bulkSize: number,
  intervalSeconds: number,
  pollMs: number,
): Promise<PacingResult> {
  const shown = progress('(pacing)');
  const recorder = await startArrivalRecorder();
  const bench = await startBenchPortal({ worker: true, pollMs });
  let failed = true;
  try {
    await configureSmtp(bench.client, recorder.address, {
      queuingEnabled: true,
      bulkSize,
      bulkIntervalSeconds: intervalSeconds,
    });
    await enqueueMessages(bench.client, messages, 'crm');
    await waitUntilSent(bench.client, messages, () => {
      shown.update(`received ${recorder.arrivals.length}/${messages}`);
    }, 100);
    failed = false;
  } finally {
    await bench.close({ keep: failed });
    await recorder.close();
    if (failed) note(`(pacing) failed; the portal's log is kept: ${bench.logFile}`);
  }

  const received = recorder.arrivals.map((arrival) => arrival.receivedAt);
  const started = recorder.arrivals.map((arrival) => arrival.mailFromAt);
  const intervalMs = intervalSeconds * 1000;
  const result: PacingResult = {
    messages: received.length,
    bulkSize,
    intervalSeconds,
    allowedPerSecond: bulkSize / intervalSeconds,
    sustainedPerSecond: sustainedRate(received),
    busiestInterval: busiestWindow(received, intervalMs),
    busiestIntervalByMailFrom: busiestWindow(started, intervalMs),
    spanMs: Math.max(...received) - Math.min(...received),
    withinRule: false,
  };
  const busiest = Math.max(result.busiestInterval, result.busiestIntervalByMailFrom);
  result.withinRule = busiest <= bulkSize;
  const sustained = result.sustainedPerSecond.toFixed(1);
  shown.done(`received ${result.messages}/${messages}: ${sustained} msg/s, `
    + `at most ${result.busiestInterval} in any ${intervalSeconds} s`);
  return result;
}
