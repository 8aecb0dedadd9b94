import { describe, expect, it } from 'vitest';
import { runCrashCycles } from './crashCycles';

describe('kill -9 mid-edit', () => {
  it('keeps every token a client received or typed, exactly once, over 20 SIGKILL restarts', async () => {
    const report = await runCrashCycles({ cycles: 20, clients: 10, seed: Date.now() % 100_000 });

    // Persist before broadcast: what anyone received from the server was on disk when it died.
    expect(report.receivedChecked).toBeGreaterThan(0);
    expect(report.receivedButNotStored).toEqual([]);
    // The kills did catch edits in flight, so the clients' re-sending was exercised…
    expect(report.unstoredAtKills).toBeGreaterThan(0);
    // …and after reconnecting, everything typed (online, offline, lost in flight) is there once.
    expect(report.tokensTyped).toBeGreaterThan(200);
    expect(report.finalMissing).toEqual([]);
    expect(report.finalDuplicated).toEqual([]);
    expect(report.finalUnexpected).toEqual([]);
    expect(report.clientsAgree).toBe(true);
    expect(report.freshClientAgrees).toBe(true);
    expect(report.storedAgrees).toBe(true);
    expect(report.integrityProblems).toEqual([]);
  });
});
