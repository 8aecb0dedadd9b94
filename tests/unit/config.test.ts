import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configWith, loadConfig } from '../../server/src/config';

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    expect(loadConfig({}, '/srv/client')).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: resolve('./data'),
      logLevel: 'info',
      publicOrigin: '',
      clientDir: '/srv/client',
      sqliteSynchronous: 'NORMAL',
      maxMessageBytes: 4 * 1024 * 1024,
      maxRequestBodyBytes: 100 * 1024,
      compactAfterUpdates: 500,
      roomUnloadDelayMs: 10_000,
      sessionTtlHours: 12,
      seedDemo: false,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '3000',
        HOST: '127.0.0.1',
        DATA_DIR: '/var/lib/draftroom',
        LOG_LEVEL: 'warn',
        PUBLIC_ORIGIN: 'https://draftroom.example.org/',
        CLIENT_DIR: '/opt/client',
        SQLITE_SYNCHRONOUS: 'FULL',
        MAX_MESSAGE_BYTES: '65536',
        MAX_REQUEST_BODY_BYTES: '2048',
        COMPACT_AFTER_UPDATES: '50',
        ROOM_UNLOAD_DELAY_MS: '0',
        SESSION_TTL_HOURS: '1.5',
        SEED_DEMO: 'yes',
      },
      '/default',
    );
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: '/var/lib/draftroom',
      logLevel: 'warn',
      publicOrigin: 'https://draftroom.example.org',
      clientDir: '/opt/client',
      sqliteSynchronous: 'FULL',
      maxMessageBytes: 65536,
      maxRequestBodyBytes: 2048,
      compactAfterUpdates: 50,
      roomUnloadDelayMs: 0,
      sessionTtlHours: 1.5,
      seedDemo: true,
    });
  });

  it.each(['1', 'true', 'yes'])('reads SEED_DEMO=%s as true', (value) => {
    expect(loadConfig({ SEED_DEMO: value }, '').seedDemo).toBe(true);
  });

  it.each(['0', 'false', 'no', ''])('reads SEED_DEMO=%j as false', (value) => {
    expect(loadConfig({ SEED_DEMO: value }, '').seedDemo).toBe(false);
  });

  it.each(['abc', '70000', '-1', '80.5'])('refuses PORT=%s with an error naming PORT', (value) => {
    expect(() => loadConfig({ PORT: value }, '')).toThrow(/Invalid configuration: .*PORT/);
  });

  it('refuses DATABASE_URL without AUDIT_KEY (several instances would MAC one chain with several keys)', () => {
    const databaseUrl = 'postgres://draftroom@db.example/draftroom';
    expect(() => loadConfig({ DATABASE_URL: databaseUrl }, '')).toThrow(
      /AUDIT_KEY: required with DATABASE_URL/,
    );
    const config = loadConfig({ DATABASE_URL: databaseUrl, AUDIT_KEY: 'k'.repeat(32) }, '');
    expect(config).toMatchObject({ databaseUrl, auditKey: 'k'.repeat(32) });
  });

  it('names every bad variable in one error', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'verbose', SQLITE_SYNCHRONOUS: 'OFF', MAX_MESSAGE_BYTES: '10' }, '');
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ['PORT', 'LOG_LEVEL', 'SQLITE_SYNCHRONOUS', 'MAX_MESSAGE_BYTES'])
      expect(message).toContain(name);
  });

  it('configWith gives a test configuration on a free local port, silent, with overrides', () => {
    const config = configWith({ compactAfterUpdates: 5 });
    expect(config).toMatchObject({ port: 0, host: '127.0.0.1', logLevel: 'silent', compactAfterUpdates: 5 });
  });
});
