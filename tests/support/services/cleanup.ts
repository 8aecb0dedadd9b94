import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { signal } from './processes';

/** Deletes a service's temporary directory now, and stops watching for the exit (the caller stopped the service). */
export type CleanupNow = () => Promise<void>;

/**
 * Makes sure a service's temporary directory and processes do not outlive
 * the test run, even when it ends without its teardown (an uncaught error):
 * when the process exits, the processes `currentPids()` names are killed
 * (SIGKILL) and `directory` is deleted, synchronously.
 */
export function removeOnExit(directory: string, currentPids: () => readonly number[]): CleanupNow {
  const onExit = () => {
    for (const pid of currentPids()) if (pid > 0) signal(pid, 'SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return async () => {
    process.off('exit', onExit);
    await rm(directory, { recursive: true, force: true });
  };
}
