/**
 * A sender thread: delivers the jobs the worker posts with a Deliverer of its own and
 * answers with their outcomes, gathered over one turn of its event loop.
 */
import { parentPort } from 'node:worker_threads';
import { Deliverer, type DeliveryOutcome } from './delivery.ts';
import type { FromSender, ToSender } from './senders.ts';

const port = parentPort!;
const deliverer = new Deliverer();
let answers: [number, DeliveryOutcome][] = [];
let answering = false;
let inFlight = 0;
let closing = false;

function answer(seq: number, outcome: DeliveryOutcome): void {
  inFlight -= 1;
  answers.push([seq, outcome]);
  if (!answering) {
    answering = true;
    setImmediate(sendAnswers);
  }
}

function sendAnswers(): void {
  answering = false;
  port.postMessage({ type: 'outcomes', outcomes: answers } satisfies FromSender);
  answers = [];
  if (closing && inFlight === 0) shutDown();
}

function shutDown(): void {
  deliverer.closeAll();
  port.close();
}

port.on('message', (message: ToSender) => {
  switch (message.type) {
    case 'configure':
      deliverer.configure(message.setup);
      break;
    case 'deliver':
      for (const [seq, job] of message.jobs) {
        inFlight += 1;
        void deliverer.deliver(job).then((outcome) => answer(seq, outcome));
      }
      break;
    case 'close':
      closing = true;
      if (inFlight === 0 && !answering) shutDown();
      break;
  }
});
