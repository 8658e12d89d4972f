import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 3000);
    assert.match(config.dataDir, /\/data$/);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.worker, true);
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({
        PORT: '70000',
        DATABASE_URL: 'mysql://x',
        PORTAL_SECRET_KEY: 'short',
        LOG_LEVEL: 'loud',
        PORTAL_ADMIN_EMAIL: 'admin@example.com',
      });
      assert.fail('loadConfig accepted a bad configuration');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 5);
      assert.match(error.message, /PORT must be a whole number from 0 to 65535/);
      assert.match(error.message, /DATABASE_URL must start with postgres/);
      assert.match(error.message, /PORTAL_SECRET_KEY must be 32 bytes/);
      assert.match(error.message, /LOG_LEVEL must be one of/);
      assert.match(error.message, /PORTAL_ADMIN_PASSWORD is not/);
    }
  });

  it('reads the first administrator with default names', () => {
    const config = loadConfig({ PORTAL_ADMIN_EMAIL: 'a@example.com', PORTAL_ADMIN_PASSWORD: 'long enough!' });
    assert.deepEqual(config.admin, {
      email: 'a@example.com',
      password: 'long enough!',
      firstName: 'Portal',
      lastName: 'Administrator',
    });
  });

  it('accepts a secret key as hex or base64', () => {
    const hex = 'ab'.repeat(32);
    assert.equal(loadConfig({ PORTAL_SECRET_KEY: hex }).secretKey, hex);
    const base64 = Buffer.alloc(32, 7).toString('base64');
    assert.equal(loadConfig({ PORTAL_SECRET_KEY: base64 }).secretKey, base64);
  });
});
