/**
 * The options of the server's parts, read from its configuration
 * (config.ts: the environment variables and their defaults). Kept apart from
 * server.ts so that the wiring there reads as what is built from what.
 */
import type { SignInThrottleOptions } from './auth/signInThrottle';
import type { CollabServerOptions } from './collab/collabServer';
import { PresenceClaims } from './collab/presenceClaims';
import type { RoomRegistryOptions } from './collab/roomRegistry';
import type { ServerConfig } from './config';

/**
 * The room registry's options: compaction, presence batching and claims,
 * update bounds, parked updates, unload delay; `lockedClausesOf` reads the
 * agreed clauses a room starts with (the negotiation records'), once per load.
 */
export function roomRegistryOptionsOf(
  config: ServerConfig,
  lockedClausesOf: (documentId: string) => Promise<Iterable<string>>,
): RoomRegistryOptions {
  return {
    compactAfterUpdates: config.compactAfterUpdates,
    presenceFlushMs: config.presenceFlushMs,
    presenceClaims: new PresenceClaims(config.presenceClaimRetentionMs, Date.now, {
      maxPerUser: config.presenceClaimsPerUser,
      maxTotal: config.presenceClaimsMax,
    }),
    updateLimits: { maxClockSpan: config.maxUpdateClockSpan, maxClients: config.maxUpdateClients },
    parkedUpdateLimits: {
      maxUpdates: config.maxParkedUpdates,
      maxBytes: 2 * config.maxMessageBytes,
      timeoutMs: config.parkedUpdateTimeoutMs,
    },
    unloadDelayMs: config.roomUnloadDelayMs,
    lockedClausesOf,
  };
}

/** The collaboration server's bounds: message sizes and rates, heartbeat, send buffers, session sweeps. */
export function collabServerOptionsOf(config: ServerConfig): CollabServerOptions {
  return {
    maxMessageBytes: config.maxMessageBytes,
    publicOrigin: config.publicOrigin,
    maxConnectionsPerUser: config.maxConnectionsPerUser,
    budget: {
      messagesPerSecond: config.collabMessagesPerSecond,
      messageBurst: config.collabMessageBurst,
      bytesPerSecond: config.collabBytesPerSecond,
      byteBurst: 2 * config.maxMessageBytes,
    },
    syncAnswers: { burst: config.collabSyncAnswersBurst, perMinute: config.collabSyncAnswersPerMinute },
    presenceAnswers: {
      burst: config.collabPresenceAnswersBurst,
      perMinute: config.collabPresenceAnswersPerMinute,
    },
    presenceRate: { bytesPerSecond: config.presenceBytesPerSecond, byteBurst: config.presenceByteBurst },
    heartbeat: { intervalMs: config.heartbeatIntervalMs, missedPongs: config.heartbeatMissedPongs },
    maxSendBufferBytes: config.maxSendBufferBytes,
    maxUserSendBufferBytes: config.maxUserSendBufferBytes,
    maxTotalSendBufferBytes: config.maxTotalSendBufferBytes,
    closeTimeoutMs: config.collabCloseTimeoutMs,
    sessionSweepIntervalMs: config.sessionSweepIntervalMs,
  };
}

/** Sign-in throttling: failures allowed per account and per address, and the lockout. */
export function signInThrottleOptionsOf(config: ServerConfig): SignInThrottleOptions {
  return {
    maxFailuresPerAccount: config.signInMaxFailuresPerAccount,
    maxFailuresPerIp: config.signInMaxFailuresPerIp,
    lockoutSeconds: config.signInLockoutSeconds,
  };
}
