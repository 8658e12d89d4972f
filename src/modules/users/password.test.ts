import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkNewPassword, hashPassword, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('stores scrypt parameters and salt, never the password', async () => {
    const hash = await hashPassword('a long passphrase');
    assert.match(hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.ok(!hash.includes('passphrase'));
    assert.notEqual(await hashPassword('a long passphrase'), hash, 'salts differ');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('a long passphrase');
    assert.equal(await verifyPassword('a long passphrase', hash), true);
    assert.equal(await verifyPassword('a long passphrasE', hash), false);
    assert.equal(await verifyPassword('anything', 'not-a-hash'), false);
  });

  it('refuses passwords shorter than ten characters', () => {
    assert.match(checkNewPassword('short')!, /at least 10/);
    assert.equal(checkNewPassword('long enough!'), undefined);
  });
});
