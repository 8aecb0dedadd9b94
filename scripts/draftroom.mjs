#!/usr/bin/env node
// The two commands of the README's quick start, `npm start` and `npm test`,
// run this script. It needs only Node 20 and npm: it installs the pinned pnpm
// into .tools/, the workspace's dependencies (compiling better-sqlite3 against
// the machine's Node headers), and for tests Debian's Chromium, LibreOffice,
// PostgreSQL and Redis; then it builds and serves the app, or runs the whole
// suite.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = rootPackage.packageManager.replace(/^pnpm@/, '');
const toolsDir = join(root, '.tools');
const started = Date.now();

function say(message) {
  process.stdout.write(`[draftroom] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: buildEnv(), ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function runOrExit(command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) {
    say(`'${command} ${args.join(' ')}' failed with exit code ${status}`);
    process.exit(status);
  }
}

function buildEnv() {
  const env = { ...process.env };
  env.PATH = `${join(toolsDir, 'node_modules', '.bin')}:${join(root, 'node_modules', '.bin')}:${env.PATH ?? ''}`;
  // node-gyp cannot download Node headers here; Debian's Node ships them under /usr.
  if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  env.COREPACK_ENABLE_STRICT = '0';
  return env;
}

function pnpmWorks() {
  const result = spawnSync('pnpm', ['--version'], { cwd: root, env: buildEnv(), encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === pnpmVersion;
}

function ensurePnpm() {
  if (pnpmWorks()) return;
  say(`installing pnpm ${pnpmVersion} into .tools/`);
  runOrExit('npm', [
    'install',
    '--prefix',
    toolsDir,
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    `pnpm@${pnpmVersion}`,
  ]);
}

function dependenciesCurrent() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lockfile = join(root, 'pnpm-lock.yaml');
  if (!existsSync(marker)) return false;
  if (existsSync(lockfile) && statSync(lockfile).mtimeMs > statSync(marker).mtimeMs) return false;
  return sqliteLoads();
}

function sqliteLoads() {
  try {
    const requireFromServer = createRequire(join(root, 'server', 'package.json'));
    const Database = requireFromServer('better-sqlite3');
    new Database(':memory:').close();
    return true;
  } catch {
    return false;
  }
}

function ensureDependencies() {
  if (dependenciesCurrent()) return;
  say('installing dependencies (better-sqlite3 compiles from source: about a minute)');
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  runOrExit('pnpm', ['install', ...frozen]);
  if (!sqliteLoads()) runOrExit('pnpm', ['--filter', '@draftroom/server', 'rebuild', 'better-sqlite3']);
}

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path) => path && existsSync(path));
}

/** On the PATH? */
function onPath(binary) {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

/** A PostgreSQL server installation: PG_BIN, or any major under /usr/lib/postgresql (Debian's layout). */
function hasPostgres() {
  if (process.env.PG_BIN) return existsSync(join(process.env.PG_BIN, 'pg_ctl'));
  const root = '/usr/lib/postgresql';
  return (
    existsSync(root) && readdirSync(root).some((major) => existsSync(join(root, major, 'bin', 'pg_ctl')))
  );
}

/**
 * The system packages the suite drives: Chromium (browser tests), LibreOffice
 * with pdftotext (DOCX exports opened, re-saved and read back as Word revisions),
 * PostgreSQL and Redis (the services tests start throwaway servers of their own).
 * Installed with apt-get when missing and running as root; otherwise a message.
 */
function ensureSystemPackages() {
  const missing = [];
  if (!findChromium()) missing.push('chromium');
  if (!onPath('soffice')) missing.push('libreoffice-writer-nogui');
  if (!onPath('pdftotext')) missing.push('poppler-utils');
  if (!hasPostgres()) missing.push('postgresql');
  if (!process.env.REDIS_SERVER && !onPath('redis-server')) missing.push('redis-server');
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    say(
      `missing system packages for the tests: ${missing.join(', ')} (Debian/Ubuntu names; or set CHROMIUM_PATH, PG_BIN, REDIS_SERVER).`,
    );
    process.exit(1);
  }
  say(
    `installing ${missing.join(', ')} with apt-get for the browser, DOCX and services tests (a few minutes the first time)`,
  );
  const quiet = { env: { ...buildEnv(), DEBIAN_FRONTEND: 'noninteractive' } };
  runOrExit('apt-get', ['update', '-qq'], quiet);
  runOrExit('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], quiet);
}

function elapsed() {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

const command = process.argv[2];
ensurePnpm();
ensureDependencies();

if (command === 'start') {
  say(`dependencies ready after ${elapsed()}; building`);
  runOrExit('pnpm', ['run', 'build']);
  say(`built after ${elapsed()}; starting the server`);
  const status = run('node', [join(root, 'server', 'dist', 'main.js')], {
    env: {
      ...buildEnv(),
      SEED_DEMO: process.env.SEED_DEMO ?? '1',
      SEED_DEMO_NEGOTIATION: process.env.SEED_DEMO_NEGOTIATION ?? '1',
    },
  });
  process.exit(status);
} else if (command === 'test') {
  ensureSystemPackages();
  say(`set-up done after ${elapsed()}; lint, type-check, tests`);
  runOrExit('pnpm', ['run', 'lint']);
  runOrExit('pnpm', ['run', 'typecheck']);
  // LibreOffice was installed above: its tests must run, not be skipped.
  const status = run('pnpm', ['exec', 'vitest', 'run'], {
    env: { ...buildEnv(), DRAFTROOM_REQUIRE_LIBREOFFICE: '1' },
  });
  say(`npm test finished after ${elapsed()} with exit code ${status}`);
  process.exit(status);
} else {
  say('usage: node scripts/draftroom.mjs start|test');
  process.exit(2);
}
