import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../../test/support/db.ts';
import { ApiClient, startTestPortal, type TestPortal } from '../../../test/support/portal.ts';

for (const dialect of testDialects) {
  describe(`sign-in and sessions (${dialect})`, () => {
    let portal: TestPortal;
    before(async () => {
      portal = await startTestPortal({ dialect });
    });
    after(() => portal.close());

    it('signs in with a session cookie that is HttpOnly and SameSite, and signs out', async () => {
      const client = new ApiClient(portal.url);
      const answer = await client.signIn(portal.admin.email, portal.admin.password);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.user.email, 'admin@example.com');
      assert.equal(answer.body.user.role, 'administrator');
      assert.equal('passwordHash' in answer.body.user, false);
      const cookie = answer.headers.getSetCookie()[0]!;
      assert.match(cookie, /^portal_session=[\w-]{40,};/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);

      assert.equal((await client.get('/api/auth/session')).body.user.email, 'admin@example.com');
      assert.equal((await client.post('/api/auth/sign-out')).status, 204);
      assert.equal((await client.get('/api/auth/session')).status, 401);
    });

    it('gives a new session at each sign-in and ends the old one', async () => {
      const client = new ApiClient(portal.url);
      const first = await client.signIn(portal.admin.email, portal.admin.password);
      const firstCookie = first.headers.getSetCookie()[0]!.split(';')[0]!;
      const second = await client.signIn(portal.admin.email, portal.admin.password);
      const secondCookie = second.headers.getSetCookie()[0]!.split(';')[0]!;
      assert.notEqual(firstCookie, secondCookie);
      const stale = await fetch(`${portal.url}/api/auth/session`, { headers: { cookie: firstCookie } });
      assert.equal(stale.status, 401);
    });

    it('answers a wrong password and an unknown address with the same generic message', async () => {
      const wrong = await new ApiClient(portal.url).signIn(portal.admin.email, 'not the password');
      const unknown = await new ApiClient(portal.url).signIn('nobody@example.com', 'whatever it is');
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.deepEqual(wrong.body, unknown.body);
      assert.equal(wrong.body.error, 'SIGN_IN_FAILED');
    });

    it('slows an account after repeated failures, with a Retry-After', async () => {
      const client = new ApiClient(portal.url);
      const email = 'target@example.com';
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await client.signIn(email, 'guess number ' + i)).status);
      assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
      const blocked = await client.signIn(email, 'one more guess');
      assert.equal(blocked.status, 429);
      assert.equal(blocked.body.error, 'TOO_MANY_ATTEMPTS');
      assert.ok(Number(blocked.headers.get('retry-after')) >= 1);
    });

    it('refuses API calls without a session', async () => {
      const client = new ApiClient(portal.url);
      for (const path of ['/api/settings/email', '/api/settings/general', '/api/users', '/api/status']) {
        const answer = await client.get(path);
        assert.equal(answer.status, 401, path);
        assert.equal(answer.body.error, 'SIGN_IN_REQUIRED');
      }
    });

    it('refuses a write whose Origin is another site, and serves a matching one', async () => {
      const client = new ApiClient(portal.url);
      const evil = await client.signIn(portal.admin.email, portal.admin.password).then(() =>
        client.put('/api/settings/general', { companyName: 'Evil', administratorEmail: '', portalUrl: '' },
          { origin: 'https://evil.example' }),
      );
      assert.equal(evil.status, 403);
      assert.equal(evil.body.error, 'CROSS_ORIGIN');
      const own = await client.put('/api/settings/general',
        { companyName: 'Own', administratorEmail: '', portalUrl: '' }, { origin: portal.url });
      assert.equal(own.status, 200);
      const otherPort = portal.url.replace(/:(\d+)$/, (_, p) => `:${Number(p) + 1}`);
      const sameHostOtherPort = await client.put('/api/settings/general',
        { companyName: 'Port', administratorEmail: '', portalUrl: '' }, { origin: otherPort });
      assert.equal(sameHostOtherPort.status, 403);
    });

    it('answers bad JSON, a wrong content type and a too large body with catalogue errors', async () => {
      const client = new ApiClient(portal.url);
      const bad = await client.request('POST', '/api/auth/sign-in', '{"email":', {
        'content-type': 'application/json',
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error, 'BAD_REQUEST');
      const text = await client.request('POST', '/api/auth/sign-in', 'email=a', {
        'content-type': 'text/plain',
      });
      assert.equal(text.status, 415);
      const huge = await client.post('/api/auth/sign-in', { email: 'x'.repeat(2 * 1024 * 1024) });
      assert.equal(huge.status, 413);
      assert.equal(huge.body.error, 'PAYLOAD_TOO_LARGE');
    });
  });
}

describe('first-visit setup', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await startTestPortal({ admin: false });
  });
  after(() => portal.close());

  it('offers setup on a portal without users, creates the administrator once, and signs in', async () => {
    const client = new ApiClient(portal.url);
    assert.deepEqual((await client.get('/api/setup')).body, { needed: true });
    const short = await client.post('/api/setup', {
      email: 'first@example.com', firstName: 'First', lastName: 'Admin', password: 'short',
    });
    assert.equal(short.status, 400);
    assert.match(short.body.fields.password, /at least 10/);

    const created = await client.post('/api/setup', {
      email: 'First@Example.com', firstName: 'First', lastName: 'Admin', password: 'long enough pw',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.user.role, 'administrator');
    assert.equal(created.body.user.email, 'first@example.com');
    assert.equal((await client.get('/api/auth/session')).body.user.email, 'first@example.com');

    const again = await new ApiClient(portal.url).post('/api/setup', {
      email: 'second@example.com', firstName: 'S', lastName: 'A', password: 'long enough pw',
    });
    assert.equal(again.status, 409);
    assert.deepEqual((await client.get('/api/setup')).body, { needed: false });
  });
});

describe('behind a trusted proxy', () => {
  it('takes the scheme and host from X-Forwarded-* for the origin check', async () => {
    const portal = await startTestPortal({ env: { PORTAL_TRUST_PROXY: 'on' } });
    try {
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'portal.example.com' };
      const client = new ApiClient(portal.url, forwarded);
      const own = await client.post('/api/auth/sign-in',
        { email: portal.admin.email, password: portal.admin.password },
        { origin: 'https://portal.example.com' });
      assert.equal(own.status, 200);
      const plain = await client.post('/api/auth/sign-in',
        { email: portal.admin.email, password: portal.admin.password },
        { origin: 'http://portal.example.com' });
      assert.equal(plain.status, 403);
    } finally {
      await portal.close();
    }
  });

  it('ignores X-Forwarded-* when the proxy is not trusted', async () => {
    const portal = await startTestPortal();
    try {
      const client = new ApiClient(portal.url, { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'portal.example.com' });
      const answer = await client.post('/api/auth/sign-in',
        { email: portal.admin.email, password: portal.admin.password },
        { origin: 'https://portal.example.com' });
      assert.equal(answer.status, 403);
    } finally {
      await portal.close();
    }
  });
});
