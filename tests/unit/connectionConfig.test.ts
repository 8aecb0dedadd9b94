import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config';

/** The settings of issue 12, items 1, 2, 4 and 5: heartbeat, send backpressure, sync answers, presence ids, sessions. */
describe('connection settings', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({}, '')).toMatchObject({
      heartbeatIntervalMs: 15_000,
      heartbeatMissedPongs: 2,
      maxSendBufferBytes: 16 * 1024 * 1024,
      collabCloseTimeoutMs: 5000,
      // Per user, across the user's sockets and reconnects.
      collabSyncAnswersBurst: 20,
      collabSyncAnswersPerMinute: 60,
      collabPresenceAnswersBurst: 40,
      collabPresenceAnswersPerMinute: 120,
      presenceClaimRetentionMs: 86_400_000,
      sessionSweepIntervalMs: 60_000,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        HEARTBEAT_INTERVAL_MS: '100',
        HEARTBEAT_MISSED_PONGS: '3',
        MAX_SEND_BUFFER_BYTES: '2097152',
        COLLAB_CLOSE_TIMEOUT_MS: '250',
        COLLAB_SYNC_ANSWERS_BURST: '4',
        COLLAB_SYNC_ANSWERS_PER_MINUTE: '0.5',
        PRESENCE_CLAIM_RETENTION_MS: '0',
        SESSION_SWEEP_INTERVAL_MS: '200',
      },
      '',
    );
    expect(config).toMatchObject({
      heartbeatIntervalMs: 100,
      heartbeatMissedPongs: 3,
      maxSendBufferBytes: 2 * 1024 * 1024,
      collabCloseTimeoutMs: 250,
      collabSyncAnswersBurst: 4,
      collabSyncAnswersPerMinute: 0.5,
      presenceClaimRetentionMs: 0,
      sessionSweepIntervalMs: 200,
    });
  });

  it('refuses values that would disable a bound', () => {
    for (const env of [
      { HEARTBEAT_MISSED_PONGS: '0' },
      { HEARTBEAT_INTERVAL_MS: '0' },
      { MAX_SEND_BUFFER_BYTES: '1024' },
      { COLLAB_SYNC_ANSWERS_BURST: '0' },
      { COLLAB_SYNC_ANSWERS_PER_MINUTE: '0' },
      { SESSION_SWEEP_INTERVAL_MS: '-1' },
    ]) {
      expect(() => loadConfig(env, ''), JSON.stringify(env)).toThrow(/Invalid configuration/);
    }
  });
});
