#!/usr/bin/env node
// Runs every test file with node's test runner, after making what the tests share:
// a test certificate authority (trusted through NODE_EXTRA_CA_CERTS, which Node reads only at
// start) and a certificate for "localhost" signed by it. Says which suites it skips and why.
//
//   npm test                      every suite this machine can run
//   npm test -- src/modules/mail  only the files under these paths
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import pg from 'pg';

const root = new URL('..', import.meta.url).pathname;
const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src', 'test', 'web'];

function findTests(path) {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path)
    .filter((name) => name !== 'node_modules' && name !== 'dist')
    .flatMap((name) => findTests(join(path, name)));
}

function makeCertificates(dir) {
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Home Portal Test CA',
    '-keyout', 'ca.key', '-out', 'ca.crt');
  writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'localhost.key',
    '-out', 'localhost.csr');
  run('x509', '-req', '-in', 'localhost.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-days', '2', '-extfile', 'leaf.ext', '-out', 'localhost.crt');
}

async function postgresAvailable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    return error.message;
  } finally {
    await client.end().catch(() => {});
  }
}

const files = roots.flatMap((path) => findTests(join(root, path))).sort();
const tlsDir = mkdtempSync(join(tmpdir(), 'portal-test-tls-'));
makeCertificates(tlsDir);

const env = {
  ...process.env,
  NODE_EXTRA_CA_CERTS: join(tlsDir, 'ca.crt'),
  PORTAL_TEST_TLS_CERT: join(tlsDir, 'localhost.crt'),
  PORTAL_TEST_TLS_KEY: join(tlsDir, 'localhost.key'),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
};

const skipped = [];
if (env.PORTAL_TEST_DATABASE_URL) {
  const answer = await postgresAvailable(env.PORTAL_TEST_DATABASE_URL);
  if (answer !== true) {
    console.error(`PORTAL_TEST_DATABASE_URL is set but PostgreSQL does not answer: ${answer}`);
    process.exit(1);
  }
} else {
  skipped.push('PostgreSQL: storage tests run on SQLite only (set PORTAL_TEST_DATABASE_URL to add PostgreSQL)');
}
const chromium = env.PORTAL_TEST_CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(chromium)) {
  env.PORTAL_TEST_CHROMIUM = chromium;
} else {
  delete env.PORTAL_TEST_CHROMIUM;
  skipped.push(`browser: ${chromium} is not installed (apt-get install chromium), browser tests skipped`);
}
for (const line of skipped) console.log(`skipping ${line}`);

const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec',
  ...files.map((file) => relative(root, file))];
const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
child.on('exit', (code, signal) => {
  rmSync(tlsDir, { recursive: true, force: true });
  for (const line of skipped) console.log(`skipped ${line}`);
  process.exit(code ?? (signal ? 1 : 0));
});
