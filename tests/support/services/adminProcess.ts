import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** What a finished `pnpm admin` run gave: its exit code and its output. */
export interface AdminRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the admin CLI (`server/src/cli/admin.ts`, as `pnpm admin <args>`
 * does) as a child process with the test's environment plus `env` (e.g.
 * DATA_DIR, DATABASE_URL, AUDIT_KEY); resolves once it exits.
 */
export function runAdmin(env: Record<string, string>, args: readonly string[]): Promise<AdminRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join('server', 'src', 'cli', 'admin.ts'), ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, ...env },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
