import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId } from './ids.ts';

test('ids are version 7 UUIDs that sort in the order they were made', () => {
  const ids = Array.from({ length: 20_000 }, newId);
  for (const id of ids) {
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
  assert.equal(new Set(ids).size, ids.length);
  for (let i = 1; i < ids.length; i += 1) assert.ok(ids[i - 1]! < ids[i]!, `id ${i} sorts after id ${i - 1}`);
});

test('an id starts with the time it was made, in milliseconds', () => {
  const before = Date.now();
  const id = newId();
  const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
  // Thousands of ids in one millisecond may borrow the next one or two.
  assert.ok(ms >= before && ms <= Date.now() + 5, `time ${ms} between ${before} and now`);
});
