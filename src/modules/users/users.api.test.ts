import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../../test/support/db.ts';
import {
  adminClient,
  ApiClient,
  startTestPortal,
  type TestPortal,
} from '../../../test/support/portal.ts';

for (const dialect of testDialects) {
  describe(`users API (${dialect})`, () => {
    let portal: TestPortal;
    let admin: ApiClient;
    before(async () => {
      portal = await startTestPortal({ dialect });
      admin = await adminClient(portal);
    });
    after(() => portal.close());

    it('lets an administrator create a user who can then sign in', async () => {
      const created = await admin.post('/api/users', {
        email: 'staff@example.com', firstName: 'Sam', lastName: 'Staff', password: 'staff password', role: 'user',
      });
      assert.equal(created.status, 201);
      assert.deepEqual(
        { email: created.body.user.email, role: created.body.user.role, firstName: created.body.user.firstName },
        { email: 'staff@example.com', role: 'user', firstName: 'Sam' },
      );
      const staff = new ApiClient(portal.url);
      assert.equal((await staff.signIn('staff@example.com', 'staff password')).status, 200);
      const list = await admin.get('/api/users');
      assert.deepEqual(list.body.users.map((u: { email: string }) => u.email),
        ['admin@example.com', 'staff@example.com']);
    });

    it('refuses a taken address in any letter case with 409', async () => {
      const taken = await admin.post('/api/users', {
        email: 'ADMIN@example.com', firstName: 'A', lastName: 'B', role: 'user',
      });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.error, 'EMAIL_TAKEN');
      assert.ok(taken.body.fields.email);
    });

    it('names each bad field', async () => {
      const bad = await admin.post('/api/users', {
        email: 'nope', firstName: '', lastName: 'X\r\nBcc: y@z.io', role: 'owner', password: 'short',
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(bad.body.fields).sort(),
        ['email', 'firstName', 'lastName', 'password', 'role']);
    });

    it('refuses users who are not administrators', async () => {
      await admin.post('/api/users', {
        email: 'plain@example.com', firstName: 'P', lastName: 'U', password: 'plain password', role: 'user',
      });
      const plain = new ApiClient(portal.url);
      await plain.signIn('plain@example.com', 'plain password');
      const attempt = await plain.post('/api/users', {
        email: 'x@example.com', firstName: 'X', lastName: 'Y', role: 'administrator',
      });
      assert.equal(attempt.status, 403);
      assert.equal(attempt.body.error, 'FORBIDDEN');
      assert.equal((await plain.get('/api/users')).status, 403);
      assert.equal((await plain.get('/api/settings/email')).status, 403);
      assert.equal((await plain.put('/api/settings/general', {})).status, 403);
      assert.equal((await plain.post('/api/settings/email/test', { to: 'a@b.co' })).status, 403);
      assert.equal((await plain.get('/api/status')).status, 200);
    });
  });
}
