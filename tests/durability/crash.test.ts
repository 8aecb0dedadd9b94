import { describe, it } from 'vitest';
import { expectCrashCyclesHeld, runCrashCycles } from './crashCycles';

describe('kill -9 mid-edit', () => {
  it('keeps every token a client received or typed, exactly once, over 20 SIGKILL restarts', async () => {
    const report = await runCrashCycles({ cycles: 20, clients: 10, seed: Date.now() % 100_000 });

    expectCrashCyclesHeld(report, 200);
  });
});
