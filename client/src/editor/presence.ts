/**
 * Who is in the document, from the awareness states: one entry per user,
 * however many tabs or windows they have open.
 */
import type { PresenceUser } from '@draftroom/shared';

export interface PresenceEntry extends PresenceUser {
  isSelf: boolean;
  /** How many tabs/windows of this user are connected. */
  sessions: number;
}

function asPresenceUser(value: unknown): PresenceUser | null {
  if (!value || typeof value !== 'object') return null;
  const user = value as Partial<PresenceUser>;
  if (typeof user.userId !== 'string' || typeof user.name !== 'string') return null;
  return {
    userId: user.userId,
    name: user.name,
    participantCode: typeof user.participantCode === 'string' ? user.participantCode : '',
    participantName: typeof user.participantName === 'string' ? user.participantName : '',
    color: typeof user.color === 'string' ? user.color : '#5b6473',
  };
}

/** Deduplicated presence, the signed-in user first, then by delegation code and name. */
export function readPresence(
  states: Map<number, Record<string, unknown>>,
  selfUserId: string,
): PresenceEntry[] {
  const byUser = new Map<string, PresenceEntry>();
  for (const state of states.values()) {
    const user = asPresenceUser(state.user);
    if (!user) continue;
    const existing = byUser.get(user.userId);
    if (existing) existing.sessions += 1;
    else byUser.set(user.userId, { ...user, isSelf: user.userId === selfUserId, sessions: 1 });
  }
  return [...byUser.values()].sort((a, b) => {
    if (a.isSelf !== b.isSelf) return a.isSelf ? -1 : 1;
    return a.participantCode.localeCompare(b.participantCode) || a.name.localeCompare(b.name);
  });
}
