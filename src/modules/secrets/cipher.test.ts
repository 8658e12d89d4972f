import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createSecretCipher, loadSecretKey } from './cipher.ts';

describe('secret cipher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portal-key-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a key file readable by its owner only, and reuses it', () => {
    const first = loadSecretKey({ dataDir: dir });
    const mode = statSync(join(dir, 'secret.key')).mode & 0o777;
    assert.equal(mode, 0o600);
    assert.deepEqual(loadSecretKey({ dataDir: dir }), first);
    assert.equal(first.length, 32);
  });

  it('seals a value so that it does not appear in the sealed text and opens it again', () => {
    const cipher = createSecretCipher(loadSecretKey({ dataDir: dir }));
    const sealed = cipher.seal('hunter2-password');
    assert.ok(!sealed.includes('hunter2'));
    assert.notEqual(cipher.seal('hunter2-password'), sealed, 'each seal uses a fresh IV');
    assert.equal(cipher.open(sealed), 'hunter2-password');
    assert.ok(!readFileSync(join(dir, 'secret.key'), 'utf8').includes('hunter2'));
  });

  it('refuses a value sealed with another key or tampered with', () => {
    const mine = createSecretCipher(Buffer.alloc(32, 1));
    const theirs = createSecretCipher(Buffer.alloc(32, 2));
    const sealed = mine.seal('secret');
    assert.throws(() => theirs.open(sealed));
    const parts = sealed.split('.');
    parts[3] = Buffer.from('other').toString('base64');
    assert.throws(() => mine.open(parts.join('.')));
  });
});
