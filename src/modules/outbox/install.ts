/**
 * Wires the outbox into a portal: its routes, Resume when the settings change, and (where the
 * process runs one) the delivery worker, woken at once by mail written in this process.
 */
import type { Portal } from '../../portal.ts';
import { outboxRoutes } from './routes.ts';
import { readControl, resumeOutbox } from './store.ts';
import { OutboxWorker } from './worker.ts';

/** Registers the outbox's routes and listeners; cheap, so every portal process does it. */
export function installOutbox(portal: Portal): void {
  portal.extraRoutes.push(outboxRoutes);
  portal.events.on('settings-changed', () => {
    void (async () => {
      const control = await readControl(portal.db);
      if (!control.paused && !control.heldUntil) return;
      await resumeOutbox(portal.db);
      portal.log.info({}, 'outbox resumed: settings changed');
      portal.events.emit('outbox-enqueued');
    })().catch((error: unknown) => portal.log.error({ err: error }, 'outbox resume failed'));
  });
}

/** Starts a delivery worker in this process; it stops when the portal closes. */
export function startOutboxWorker(portal: Portal): OutboxWorker {
  const worker = new OutboxWorker(portal);
  const wake = () => worker.notify();
  portal.events.on('outbox-enqueued', wake);
  worker.start();
  portal.onClose.push(async () => {
    portal.events.off('outbox-enqueued', wake);
    await worker.stop();
  });
  return worker;
}
