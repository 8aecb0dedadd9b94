/**
 * A real "disk full" for storage-failure tests: a small tmpfs mounted on a
 * temporary directory (needs root, or CAP_SYS_ADMIN), filled to the last
 * byte with a ballast file and freed again. Writes then fail the way they do
 * on a full disk (ENOSPC, SQLITE_FULL) — unlike file permissions, which root
 * ignores and an already open file descriptor does not notice.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function mountTmpfs(path: string, sizeBytes: number): boolean {
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', path], {
    stdio: 'ignore',
  });
  return result.status === 0;
}

/** Whether this process may mount a tmpfs (tried once, on a throw-away directory). */
export function canMountTmpfs(): boolean {
  const path = mkdtempSync(join(tmpdir(), 'draftroom-mount-probe-'));
  const mounted = mountTmpfs(path, 1024 * 1024);
  if (mounted) spawnSync('umount', [path], { stdio: 'ignore' });
  rmdirSync(path);
  return mounted;
}

export class SmallVolume {
  private ballastFile: string;

  private constructor(readonly path: string) {
    this.ballastFile = join(path, 'ballast');
  }

  static mount(sizeBytes: number): SmallVolume {
    const path = mkdtempSync(join(tmpdir(), 'draftroom-volume-'));
    if (!mountTmpfs(path, sizeBytes)) {
      rmdirSync(path);
      throw new Error(`could not mount a tmpfs on ${path}`);
    }
    return new SmallVolume(path);
  }

  /** Fills the volume until the kernel answers ENOSPC; returns the bytes written. */
  fill(): number {
    const fd = openSync(this.ballastFile, 'a');
    const chunk = Buffer.alloc(64 * 1024, 0x2e);
    let written = 0;
    try {
      for (let size = chunk.length; size >= 1; ) {
        try {
          written += writeSync(fd, chunk, 0, size);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          size = Math.floor(size / 2);
        }
      }
    } finally {
      closeSync(fd);
    }
    return written;
  }

  /** Deletes the ballast: the disk has room again. */
  free(): void {
    rmSync(this.ballastFile, { force: true });
  }

  unmount(): void {
    spawnSync('umount', ['-l', this.path], { stdio: 'ignore' });
    rmSync(this.path, { recursive: true, force: true });
  }
}
