import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptRefusedUpgrade } from '../support/rawCollab';
import { api } from '../support/securityHarness';
import { startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const WINDOW_SECONDS = 1;
const ROWS_PER_WINDOW = 50;

interface RefusalRow {
  id: number;
  ip: string;
  target: string;
  detail: { why?: string; repeated?: number };
}

/** Runs `count` calls of `attempt`, `parallel` at a time; returns the elapsed milliseconds. */
async function flood(
  count: number,
  parallel: number,
  attempt: (index: number) => Promise<unknown>,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) await attempt(next++);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return performance.now() - started;
}

describe('unauthenticated refusals cannot flood the audit log', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      auditRefusalWindowSeconds: WINDOW_SECONDS,
      auditRefusalRowsPerWindow: ROWS_PER_WINDOW,
    });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  function refusalRows(why: string): RefusalRow[] {
    const rows = server.server.db
      .prepare("SELECT id, ip, target, detail FROM audit_log WHERE action = 'refused' ORDER BY id")
      .all() as (Omit<RefusalRow, 'detail'> & { detail: string })[];
    return rows
      .map((row) => ({ ...row, detail: JSON.parse(row.detail) as RefusalRow['detail'] }))
      .filter((row) => row.detail.why === why);
  }

  /** Refusals a set of rows stands for: one per first row, and what each summary row counted. */
  const accountedFor = (rows: RefusalRow[]) => rows.reduce((sum, row) => sum + (row.detail.repeated ?? 1), 0);

  /** At most one first row and one summary per source and window, windows counted generously. */
  const bound = (elapsedMs: number, rowsPerWindow: number) =>
    2 * rowsPerWindow * (Math.ceil(elapsedMs / (WINDOW_SECONDS * 1000)) + 2);

  it('2,000 cross-origin upgrades without a cookie: every one counted, in a handful of rows', async () => {
    const url = `${server.wsUrl}/collab/${server.actionPlanId()}`;
    const elapsed = await flood(2000, 50, async () => {
      expect((await attemptRefusedUpgrade(url, { origin: 'https://evil.example' })).status).toBe(403);
    });
    const why = 'cross-origin WebSocket refused';
    const rows = await waitFor(
      () => {
        const found = refusalRows(why);
        return accountedFor(found) === 2000 ? found : undefined;
      },
      { what: 'the summary of the flood', timeoutMs: 5000 },
    );
    expect(rows.length).toBeLessThanOrEqual(bound(elapsed, 1));
    expect(rows[0]?.detail).toEqual({ why, origin: 'https://evil.example' });
    // Each window: the first refusal in full, the others as one summary row.
    const summaries = rows.filter((row) => row.detail.repeated !== undefined);
    expect(summaries.length).toBeGreaterThan(0);
    expect(summaries.length).toBeGreaterThanOrEqual(rows.length - summaries.length - 1);
    process.stdout.write(
      `2,000 cross-origin upgrades in ${Math.round(elapsed)} ms → ${rows.length} audit rows\n`,
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('cross-site REST requests from 300 addresses: the first rows per window are capped, the rest summed up', async () => {
    const why = 'Cross-site request refused.';
    const elapsed = await flood(300, 20, async (index) => {
      const answer = await api(server, 'POST', '/api/session', {
        origin: 'https://evil.example',
        headers: { 'x-forwarded-for': `198.51.100.${index % 250}` },
        body: { email: 'a@b.example', password: 'x' },
      });
      expect(answer.status).toBe(403);
    });
    const rows = await waitFor(
      () => {
        const found = refusalRows(why).concat(refusalRows('refusals from many sources'));
        return accountedFor(found) === 300 ? found : undefined;
      },
      { what: 'every refusal accounted for', timeoutMs: 5000 },
    );
    expect(rows.length).toBeLessThanOrEqual(bound(elapsed, ROWS_PER_WINDOW) + 1);
    expect(rows.length).toBeLessThan(300);
  });
});
