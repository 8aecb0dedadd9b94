/** One awareness client id and the user it belongs to. */
interface Claim {
  userId: string;
  /** The last clock the server relayed for this id. */
  lastClock: number;
  /** Open connections speaking for it. */
  open: number;
  /** When the last of them closed (ms since the epoch). */
  releasedAt: number;
}

/** How many ids are remembered. */
export interface PresenceClaimLimits {
  /**
   * Ids one user may hold (default 40: twice MAX_CONNECTIONS_PER_USER). Past
   * it, that user's oldest released id is forgotten; ids with an open
   * connection are never forgotten (a user has at most one per connection).
   */
  maxPerUser: number;
  /** Ids remembered in all (default 100 000, about 20 MiB). Past it, released ids are forgotten, oldest first. */
  maxTotal: number;
}

export const DEFAULT_PRESENCE_CLAIM_LIMITS: PresenceClaimLimits = { maxPerUser: 40, maxTotal: 100_000 };

/**
 * Which user each awareness client id belongs to, and the clocks the server
 * relays for it (issue 12, item 4); shared by every room, so it outlives a
 * room that unloads while its people reconnect.
 *
 * Ownership: the first user to speak for an id owns it while one of their
 * connections is open and for `retentionMs` after the last one closed, so a
 * person reconnecting after a network blip or a sleeping laptop finds their id
 * still theirs; another user's claim of it is ignored meanwhile.
 *
 * Bounds: a user holds at most `maxPerUser` ids and the table at most
 * `maxTotal` (PresenceClaimLimits); past either, released ids are forgotten,
 * the oldest release first — a client reconnecting in a loop with a new id
 * each time only recycles its own oldest ids. A forgotten id may be spoken
 * for by anyone again (as after its retention).
 *
 * Clocks: the server numbers the presence it relays itself, as
 * `max(previous + 1, Date.now())` per id. An id's relayed clock therefore
 * always exceeds whatever anyone saw of it before — whether its owner
 * reconnected with the unchanged clock the stock provider re-announces, a
 * newcomer (or a reconnected client that remembers everyone's old clocks) is
 * welcomed, or the server restarted.
 */
export class PresenceClaims {
  private readonly claims = new Map<number, Claim>();
  /** Each user's ids. */
  private readonly byUser = new Map<string, Set<number>>();
  /** Released ids (no open connection), in the order they were released: the oldest first. */
  private readonly released = new Set<number>();
  private lastPrune = 0;

  /**
   * @param retentionMs how long an id stays its user's after their last connection speaking for it closed (ms; 0: only while connected).
   * @param now the clock, in ms since the epoch.
   * @param limits how many ids are remembered per user and in all (default DEFAULT_PRESENCE_CLAIM_LIMITS).
   */
  constructor(
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
    private readonly limits: PresenceClaimLimits = DEFAULT_PRESENCE_CLAIM_LIMITS,
  ) {}

  /** True when `clientId` belongs to another user than `userId` (connected, or within the retention). */
  heldByAnotherUser(clientId: number, userId: string): boolean {
    const claim = this.claims.get(clientId);
    return claim !== undefined && claim.userId !== userId && !this.expired(claim);
  }

  /** True when anyone holds `clientId` (connected, or within the retention). */
  isHeld(clientId: number): boolean {
    const claim = this.claims.get(clientId);
    return claim !== undefined && !this.expired(claim);
  }

  /**
   * Records that a connection of `userId` speaks for `clientId` (call
   * `heldByAnotherUser` first: a claim that is still another user's is taken
   * over only after its retention ended). Pair with `release`. Makes room
   * first: the user's oldest released id past `maxPerUser`, the oldest
   * released id of anyone past `maxTotal`.
   */
  claim(clientId: number, userId: string): void {
    const existing = this.claims.get(clientId);
    if (existing && existing.userId === userId) {
      existing.open++;
      this.released.delete(clientId);
      return;
    }
    if (existing) this.forget(clientId);
    this.makeRoomFor(userId);
    this.claims.set(clientId, { userId, lastClock: existing?.lastClock ?? 0, open: 1, releasedAt: 0 });
    let ids = this.byUser.get(userId);
    if (!ids) {
      ids = new Set();
      this.byUser.set(userId, ids);
    }
    ids.add(clientId);
  }

  /** A connection speaking for `clientId` closed; the id stays its user's for the retention. */
  release(clientId: number): void {
    const claim = this.claims.get(clientId);
    if (!claim) return;
    claim.open = Math.max(0, claim.open - 1);
    if (claim.open === 0) {
      claim.releasedAt = this.now();
      this.released.delete(clientId);
      this.released.add(clientId);
    }
    this.pruneIfDue();
  }

  /** The next clock to relay for `clientId`: greater than every clock relayed for it before. */
  nextClock(clientId: number): number {
    const claim = this.claims.get(clientId);
    const clock = Math.max((claim?.lastClock ?? 0) + 1, this.now());
    if (claim) claim.lastClock = clock;
    return clock;
  }

  /** Ids remembered (connected or within the retention), for tests and metrics. */
  get size(): number {
    return this.claims.size;
  }

  /** Ids `userId` holds (connected or within the retention), for tests and metrics. */
  idsOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  private expired(claim: Claim): boolean {
    return claim.open === 0 && this.now() - claim.releasedAt > this.retentionMs;
  }

  /** Forgets the user's oldest released id past `maxPerUser`, and the oldest released id past `maxTotal`. */
  private makeRoomFor(userId: string): void {
    const ids = this.byUser.get(userId);
    if (ids && ids.size >= this.limits.maxPerUser) {
      let oldest: number | undefined;
      let oldestAt = Number.POSITIVE_INFINITY;
      for (const clientId of ids) {
        const claim = this.claims.get(clientId);
        if (claim && claim.open === 0 && claim.releasedAt < oldestAt) {
          oldest = clientId;
          oldestAt = claim.releasedAt;
        }
      }
      if (oldest !== undefined) this.forget(oldest);
    }
    if (this.claims.size >= this.limits.maxTotal) {
      const [oldest] = this.released;
      if (oldest !== undefined) this.forget(oldest);
    }
  }

  private forget(clientId: number): void {
    const claim = this.claims.get(clientId);
    if (!claim) return;
    this.claims.delete(clientId);
    this.released.delete(clientId);
    const ids = this.byUser.get(claim.userId);
    ids?.delete(clientId);
    if (ids?.size === 0) this.byUser.delete(claim.userId);
  }

  /** Forgets expired claims, at most once per minute (or per retention, when shorter). */
  private pruneIfDue(): void {
    const now = this.now();
    if (now - this.lastPrune < Math.min(this.retentionMs, 60_000)) return;
    this.lastPrune = now;
    // Released in order: the first one still within its retention ends the walk.
    for (const clientId of this.released) {
      const claim = this.claims.get(clientId);
      if (claim && !this.expired(claim)) break;
      this.forget(clientId);
    }
  }
}
