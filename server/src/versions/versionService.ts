import type {
  AmendmentChangeEntry,
  DocumentStructure,
  NegotiationSnapshot,
  UserProfile,
  VersionSummary,
} from '@draftroom/shared';
import * as Y from 'yjs';
import type { AmendmentRepository } from '../amendments/amendmentStore';
import { type DocumentStorage, docFromStoredState } from '../collab/documentStorage';
import type { Room, RoomHooks } from '../collab/room';
import type { RoomRegistry } from '../collab/roomRegistry';
import type { ComparableDocument } from '../compare/types';
import { fingerprint, readDocumentStructure } from '../content/structure';
import { HttpError } from '../errors';
import type { Logger } from '../logger';
import type { NegotiationRepository } from '../negotiation/negotiationStore';
import {
  type AmendmentState,
  amendmentChangesBetween,
  amendmentSnapshot,
  storedAmendmentSnapshot,
} from './amendmentSnapshot';
import { ChangeSummaries, comparableOf } from './changeSummaries';
import { DocumentQueue } from './documentQueue';
import { automaticVersionsToThin } from './thinning';
import type { StoredVersion, VersionRepository } from './versionStore';

export interface VersionServiceOptions {
  /** At most one automatic checkpoint per this much editing time. */
  checkpointIntervalMs: number;
  now?: () => number;
  /** The amendment records, whose state every version keeps (none kept without). */
  amendments?: Pick<AmendmentRepository, 'list'>;
  /**
   * Runs a document's automatic checkpoint while no other instance runs one
   * of the same document (PostgreSQL: an advisory lock; absent when this
   * process is alone): the next one re-reads the newest version, so of two
   * instances storing changes at once only one takes the checkpoint.
   */
  checkpointLease?: <T>(documentId: string, work: () => Promise<T>) => Promise<T>;
}

/** What a version freezes of the text: read inside a room operation (or from storage), written later. */
interface FrozenText {
  structure: DocumentStructure;
  /** The Y.Doc's whole state (a Yjs update). */
  state: Uint8Array;
  /** The newest stored update the text holds. */
  lastUpdateId: number;
}

function freeze(doc: Y.Doc, lastUpdateId: number): FrozenText {
  return { structure: readDocumentStructure(doc), state: Y.encodeStateAsUpdate(doc), lastUpdateId };
}

type VersionMeta = {
  kind: 'named' | 'automatic';
  label: string;
  note: string;
  meetingId: string | null;
  createdBy: string | null;
};

/** Ids of the clauses whose text differs between two structures, or that only one of them has. */
function changedClauseIds(live: DocumentStructure, version: DocumentStructure): Set<string> {
  const textOf = (structure: DocumentStructure) =>
    new Map(
      structure.sections.flatMap((section) =>
        section.clauses.map((clause) => [clause.id, clause.text] as const),
      ),
    );
  const before = textOf(live);
  const after = textOf(version);
  const changed = new Set<string>();
  for (const [id, text] of before) if (after.get(id) !== text) changed.add(id);
  for (const id of after.keys()) if (!before.has(id)) changed.add(id);
  return changed;
}

/**
 * Named versions, automatic checkpoints (at most one per interval of
 * editing, and one when the last person leaves; thinned over time), and
 * restoring a version as a new forward change.
 *
 * Versions of a document are written one at a time (DocumentQueue, in this
 * process); reads of the history wait for the writes queued before them, so
 * a checkpoint a room hook started is listed by any read that follows it.
 */
export class VersionService {
  private readonly now: () => number;
  private readonly summaries: ChangeSummaries;
  private readonly writes = new DocumentQueue();
  /**
   * Per open document: the time (ms) of its newest version as last known
   * here, so a stored change costs no query until a checkpoint may be due
   * (then the store is asked again: another instance may have taken one).
   * Dropped when the last person leaves.
   */
  private readonly newestAt = new Map<string, number>();

  constructor(
    private readonly versions: VersionRepository,
    private readonly negotiation: Pick<NegotiationRepository, 'statuses' | 'positions' | 'brackets'>,
    private readonly rooms: RoomRegistry,
    private readonly storage: DocumentStorage,
    private readonly logger: Logger,
    private readonly options: VersionServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.summaries = new ChangeSummaries(versions);
  }

  /** The history panel's list, newest first, every summary counted against its baseline. */
  async history(documentId: string): Promise<VersionSummary[]> {
    await this.writes.settled(documentId);
    await this.summaries.refreshStale(documentId);
    return this.versions.list(documentId);
  }

  /** One version, its summary counted against its baseline; `undefined` if the document has no such version. */
  async version(documentId: string, versionId: string): Promise<StoredVersion | undefined> {
    await this.writes.settled(documentId);
    await this.summaries.refreshStale(documentId);
    return this.versions.load(documentId, versionId);
  }

  /**
   * Settles once every version write queued so far (checkpoints started by
   * room hooks, named versions being saved) has; before the stores close.
   */
  settled(): Promise<void> {
    return this.writes.drained();
  }

  /**
   * The hooks that take automatic checkpoints; given to the room registry.
   * Each freezes the text at once (the room's Y.Doc as stored) and queues the
   * checkpoint; a failed one is logged ("automatic checkpoint failed").
   */
  readonly hooks: RoomHooks = {
    // Runs after every stored update: no query and no copy of the text until a checkpoint may be due.
    onStored: (room) => {
      const { documentId } = room;
      const newest = this.newestAt.get(documentId);
      if (newest !== undefined && this.now() - newest < this.options.checkpointIntervalMs) return;
      const text = freeze(room.doc, room.storedUpToUpdateId);
      // Until the store answers, later changes take no copy: this one is checkpointed if one is due.
      this.newestAt.set(documentId, this.now());
      this.queueCheckpoint(documentId, (latest) => {
        const last = latest ? Date.parse(latest.createdAt) : 0;
        this.newestAt.set(documentId, last);
        return this.now() - last >= this.options.checkpointIntervalMs ? text : undefined;
      });
    },
    onLastLeft: (room: Room) => {
      const text = freeze(room.doc, room.storedUpToUpdateId);
      const { documentId } = room;
      this.queueCheckpoint(documentId, (latest) => {
        this.newestAt.delete(documentId);
        return !latest || latest.lastUpdateId < text.lastUpdateId ? text : undefined;
      });
    },
  };

  /**
   * Saves the live text (the open room's as stored, else storage's) as a
   * named version by `user`, with the negotiation and amendments' state;
   * resolves with its summary, counted against the previous named version.
   */
  async saveNamed(
    documentId: string,
    input: { label: string; note: string; meetingId: string | null },
    user: UserProfile,
  ): Promise<VersionSummary> {
    const text = await this.readLive(documentId, freeze);
    return this.writes.run(documentId, () =>
      this.create(documentId, text, { kind: 'named', ...input, createdBy: user.id }),
    );
  }

  /** The live text as a structure, with its negotiation state, for compare with "current". */
  async current(documentId: string): Promise<{ comparable: ComparableDocument; lastUpdateId: number }> {
    const { structure, lastUpdateId } = await this.readLive(documentId, (doc, upTo) => ({
      structure: readDocumentStructure(doc),
      lastUpdateId: upTo,
    }));
    return { comparable: { structure, ...(await this.negotiationSnapshot(documentId)) }, lastUpdateId };
  }

  /** A stored version as compare reads it: its structure and negotiation snapshot. */
  comparableOf(version: StoredVersion): ComparableDocument {
    return comparableOf(version);
  }

  /**
   * Restores a version as a new forward change: the live document's content
   * is replaced by copies of the version's elements (clause ids kept), stored
   * and broadcast like any edit. Everything after stays in the history.
   * @throws HttpError 409 `clause_locked` when it would change an agreed clause
   */
  async restore(documentId: string, version: StoredVersion, user: UserProfile): Promise<void> {
    const source = new Y.Doc();
    Y.applyUpdate(source, version.state);
    await this.rooms
      .withRoom(documentId, async (room) => {
        const changed = changedClauseIds(
          readDocumentStructure(room.doc),
          this.comparableOf(version).structure,
        );
        const locked = [...changed].filter((clauseId) => room.lockedClauses.has(clauseId));
        if (locked.length > 0) {
          throw new HttpError(
            409,
            'clause_locked',
            `Restoring this version would change ${locked.length} agreed clause(s). Reopen them first.`,
          );
        }
        await room.applyServerChange(
          (doc) => {
            const content = doc.getXmlFragment('content');
            const copies = source
              .getXmlFragment('content')
              .toArray()
              .map((node) => (node as Y.XmlElement | Y.XmlText).clone());
            content.delete(0, content.length);
            content.insert(0, copies);
          },
          { userId: user.id, participantId: user.participant.id, touchedClauses: [...changed] },
        );
      })
      .finally(() => source.destroy());
    this.logger.info({ documentId, versionId: version.id, userId: user.id }, 'version restored');
  }

  /**
   * Queues a checkpoint of `documentId`: `decide`, given the newest version's
   * mark read when its turn comes, says which frozen text to keep (none: no
   * checkpoint). Never rejects: a failure is logged, and the next stored
   * change asks the store again.
   */
  private queueCheckpoint(
    documentId: string,
    decide: (latest: { createdAt: string; lastUpdateId: number } | undefined) => FrozenText | undefined,
  ): void {
    const job = async () => {
      const text = decide(await this.versions.latestMark(documentId));
      if (text) await this.checkpoint(documentId, text);
    };
    const lease = this.options.checkpointLease;
    this.writes
      .run(documentId, () => (lease ? lease(documentId, job) : job()))
      .catch((error: unknown) => {
        this.newestAt.delete(documentId);
        this.logger.error({ err: error, documentId }, 'automatic checkpoint failed');
      });
  }

  /** Stores `text` as an automatic checkpoint, then thins the document's checkpoints. */
  private async checkpoint(documentId: string, text: FrozenText): Promise<void> {
    const label = `Automatic checkpoint ${new Date(this.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    await this.create(documentId, text, {
      kind: 'automatic',
      label,
      note: '',
      meetingId: null,
      createdBy: null,
    });
    const listed = await this.versions.list(documentId);
    const thinned = automaticVersionsToThin(listed, this.now());
    if (thinned.length > 0) {
      await this.versions.deleteAutomatic(thinned);
      // The checkpoints that counted against a thinned one now count against the version before them.
      await this.summaries.refreshStale(documentId);
    }
  }

  /** Stores a version of `text` with the negotiation and amendments' state now (inside `writes` only). */
  private async create(documentId: string, text: FrozenText, meta: VersionMeta): Promise<VersionSummary> {
    const { structure } = text;
    const negotiation = await this.negotiationSnapshot(documentId);
    const amendments = this.options.amendments ? await this.options.amendments.list(documentId) : undefined;
    const { summary, baseline } = await this.summaries.forNewVersion(documentId, meta.kind, {
      structure,
      ...negotiation,
    });
    const created = await this.versions.create({
      documentId,
      ...meta,
      state: text.state,
      structureJson: JSON.stringify(structure),
      negotiationJson: JSON.stringify(negotiation),
      amendmentsJson: amendments ? JSON.stringify(amendmentSnapshot(amendments)) : null,
      fingerprint: fingerprint(structure),
      lastUpdateId: text.lastUpdateId,
      summary,
      baseline,
      createdAt: new Date(this.now()).toISOString(),
    });
    if (this.newestAt.has(documentId)) this.newestAt.set(documentId, Date.parse(created.createdAt));
    return created;
  }

  /** The amendments' state a version kept (`null`: the live state now), in number order. */
  async amendmentState(
    documentId: string,
    version: Pick<VersionSummary, 'id' | 'createdAt'> | null,
  ): Promise<AmendmentState[]> {
    const records = (await this.options.amendments?.list(documentId)) ?? [];
    if (version === null) return amendmentSnapshot(records);
    return storedAmendmentSnapshot(
      await this.versions.amendmentsJson(documentId, version.id),
      version.createdAt,
      records,
    );
  }

  /**
   * The amendments tabled and decided between two sides of a comparison (a
   * version, or `null` for the current state), the earlier in time first
   * whichever order they are given in.
   */
  async amendmentChanges(
    documentId: string,
    one: Pick<VersionSummary, 'id' | 'createdAt'> | null,
    other: Pick<VersionSummary, 'id' | 'createdAt'> | null,
  ): Promise<AmendmentChangeEntry[]> {
    const time = (side: typeof one) =>
      side === null ? Number.POSITIVE_INFINITY : Date.parse(side.createdAt);
    const [earlier, later] = time(other) < time(one) ? [other, one] : [one, other];
    const [before, after] = await Promise.all([
      this.amendmentState(documentId, earlier),
      this.amendmentState(documentId, later),
    ]);
    return amendmentChangesBetween(before, after);
  }

  /** Statuses, positions and unresolved brackets of a document now, as a version freezes them. */
  async negotiationSnapshot(documentId: string): Promise<NegotiationSnapshot> {
    const [statusRows, positionRows, bracketRows] = await Promise.all([
      this.negotiation.statuses(documentId),
      this.negotiation.positions(documentId),
      this.negotiation.brackets(documentId),
    ]);
    const statuses: Record<string, string> = {};
    for (const entry of statusRows) statuses[entry.clauseId] = entry.status;
    const positions: Record<string, Record<string, string>> = {};
    for (const entry of positionRows) {
      positions[entry.clauseId] = { ...positions[entry.clauseId], [entry.participantCode]: entry.position };
    }
    const brackets: NonNullable<ComparableDocument['brackets']> = {};
    for (const bracket of bracketRows) {
      if (bracket.resolution) continue;
      brackets[bracket.id] = {
        clauseId: bracket.clauseId,
        text: bracket.alternatives[0]?.text ?? '',
        alternatives: bracket.alternatives.map((option) => option.text),
        proponents: bracket.alternatives.map((option) => option.proponentCode),
      };
    }
    return { statuses, positions, brackets };
  }

  /**
   * Reads the live text with `read(doc, lastUpdateId)`: the open room's Y.Doc
   * as stored (Room.exclusive), or one loaded from storage for the call (do
   * not keep it). Resolves with what `read` returns.
   */
  private async readLive<T>(documentId: string, read: (doc: Y.Doc, lastUpdateId: number) => T): Promise<T> {
    const open = this.rooms.get(documentId);
    if (open) return open.exclusive(() => read(open.doc, open.storedUpToUpdateId));
    const stored = await this.storage.load(documentId);
    const doc = docFromStoredState(stored);
    try {
      return read(doc, stored.lastUpdateId);
    } finally {
      doc.destroy();
    }
  }
}
