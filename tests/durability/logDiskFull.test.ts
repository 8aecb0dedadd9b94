import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '../support/serverProcess';
import { canMountTmpfs, SmallVolume } from '../support/smallVolume';
import { DEMO, DEMO_PASSWORD } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const mountable = canMountTmpfs();

/** Standard output on a full disk: a file on a 64 KiB tmpfs filled to the last byte, or else /dev/full. */
interface FullOutput {
  fd: number;
  /** The log file, when there is one to read back. */
  file?: string;
  /** Makes room again (only with the tmpfs). */
  free?: () => void;
  dispose(): void;
}

function fullOutput(): FullOutput {
  if (!mountable) {
    const fd = openSync('/dev/full', 'w');
    return { fd, dispose: () => closeSync(fd) };
  }
  const volume = SmallVolume.mount(64 * 1024);
  const file = join(volume.path, 'server.log');
  const fd = openSync(file, 'a');
  volume.fill();
  return {
    fd,
    file,
    free: () => volume.free(),
    dispose: () => {
      closeSync(fd);
      volume.unmount();
    },
  };
}

async function signIn(server: ServerProcess, email: string, password: string): Promise<number> {
  const response = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ email, password }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe(`a log on a full disk (${mountable ? 'a full 64 KiB tmpfs' : '/dev/full'})`, () => {
  let output: FullOutput;
  let server: ServerProcess;

  beforeAll(async () => {
    output = fullOutput();
    // The database is elsewhere: only the log's disk is full, so sign-ins work and every one logs.
    server = await ServerProcess.start({ stdoutFd: output.fd, env: { LOG_LEVEL: 'info' } });
  });
  afterAll(async () => {
    await server?.dispose();
    output?.dispose();
  });

  it('keeps serving through 30 sign-ins (good and refused) whose log lines cannot be written', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      statuses.push(
        i % 2 === 0
          ? await signIn(server, DEMO.penHolder, DEMO_PASSWORD)
          : await signIn(server, `nobody-${i}@x.example`, 'not-the-password'),
      );
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(15);
    expect(statuses.filter((status) => status === 401)).toHaveLength(15);
    expect(server.running).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const signedIn = await server.signIn(DEMO.observer);
    expect((await server.getJson('/api/me', signedIn.cookie)).status).toBe(200);
    expect(server.logLines.join('\n')).not.toMatch(/ENOSPC|Unhandled/);
  });

  it.skipIf(!mountable)(
    'writes the waiting lines and says what was lost once the disk has room again',
    async () => {
      output.free?.();
      expect(await signIn(server, DEMO.commenter, DEMO_PASSWORD)).toBe(200);
      const file = output.file ?? '';
      const outage = await waitFor(
        () => {
          const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
          return lines
            .map((line) => JSON.parse(line) as Record<string, unknown>)
            .find((entry) => entry.logOutage);
        },
        { what: 'the log outage warning' },
      );
      expect(outage).toMatchObject({ level: 40, logOutage: { code: 'ENOSPC' } });
      expect((outage.logOutage as { failedWrites: number }).failedWrites).toBeGreaterThanOrEqual(30);
      expect(readFileSync(file, 'utf8')).toContain('"msg":"signed in"');
      expect(server.running).toBe(true);
    },
  );
});
