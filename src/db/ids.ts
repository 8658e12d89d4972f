/**
 * Time-ordered row ids: UUID version 7 (RFC 9562). The first 48 bits are the time in
 * milliseconds, so rows written together sit side by side in every index on the id, and a
 * batch written in one go keeps its order. Random ids scatter each new row onto a page of
 * its own, which multiplies what every commit writes.
 */
import { randomFillSync } from 'node:crypto';

let lastMs = 0;
/** 12 bits of sequence within one millisecond (RFC 9562, method 1), then the clock moves on. */
let sequence = 0;
/** Random bytes drawn a few kilobytes at a time, as `randomUUID` does. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomBytes10(): Buffer {
  if (poolOffset + 10 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 10;
  return pool.subarray(poolOffset - 10, poolOffset);
}

export function newId(): string {
  const random = randomBytes10();
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    // Starts low in the 12 bits so thousands of ids fit in one millisecond.
    sequence = random.readUInt16BE(8) & 0x1ff;
  } else {
    // Same millisecond, or the clock stepped back: count on, borrowing from the next one.
    ms = lastMs;
    sequence += 1;
    if (sequence > 0xfff) {
      lastMs += 1;
      ms = lastMs;
      sequence = 0;
    }
  }
  const hex = ms.toString(16).padStart(12, '0')
    + (0x7000 | sequence).toString(16)
    + ((random.readUInt16BE(0) & 0x3fff) | 0x8000).toString(16)
    + random.toString('hex', 2, 8);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
