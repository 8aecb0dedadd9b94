import type {
  Amendment,
  AmendmentChangeEntry,
  DocumentStructure,
  NegotiationSnapshot,
  UserProfile,
  VersionSummary,
} from '@draftroom/shared';
import * as Y from 'yjs';
import { type DocumentStorage, docFromStoredState } from '../collab/documentStorage';
import type { Room, RoomHooks } from '../collab/room';
import type { RoomRegistry } from '../collab/roomRegistry';
import type { ComparableDocument } from '../compare/types';
import { fingerprint, readDocumentStructure } from '../content/structure';
import { HttpError } from '../errors';
import type { Logger } from '../logger';
import type { NegotiationStore } from '../negotiation/negotiationStore';
import {
  type AmendmentState,
  amendmentChangesBetween,
  amendmentSnapshot,
  storedAmendmentSnapshot,
} from './amendmentSnapshot';
import { ChangeSummaries, comparableOf } from './changeSummaries';
import { automaticVersionsToThin } from './thinning';
import type { StoredVersion, VersionStore } from './versionStore';

export interface VersionServiceOptions {
  /** At most one automatic checkpoint per this much editing time. */
  checkpointIntervalMs: number;
  now?: () => number;
  /** The amendment records, whose state every version keeps (none kept without). */
  amendments?: { list(documentId: string): Amendment[] };
}

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
 */
export class VersionService {
  private readonly now: () => number;
  private readonly summaries: ChangeSummaries;

  constructor(
    private readonly versions: VersionStore,
    private readonly negotiation: NegotiationStore,
    private readonly rooms: RoomRegistry,
    private readonly storage: DocumentStorage,
    private readonly logger: Logger,
    private readonly options: VersionServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.summaries = new ChangeSummaries(versions);
  }

  /** The history panel's list, newest first, every summary counted against its baseline. */
  history(documentId: string): VersionSummary[] {
    this.summaries.refreshStale(documentId);
    return this.versions.list(documentId);
  }

  /** One version, its summary counted against its baseline; `undefined` if the document has no such version. */
  version(documentId: string, versionId: string): StoredVersion | undefined {
    this.summaries.refreshStale(documentId);
    return this.versions.load(documentId, versionId);
  }

  /** The hooks that take automatic checkpoints; given to the room registry. */
  readonly hooks: RoomHooks = {
    // Runs after every stored update: reads only the newest version's time, never its state.
    onStored: (room) => {
      const latest = this.versions.latestMark(room.documentId);
      const last = latest ? Date.parse(latest.createdAt) : 0;
      if (this.now() - last >= this.options.checkpointIntervalMs)
        this.checkpoint(room.documentId, room.doc, room.storedUpToUpdateId);
    },
    onLastLeft: (room: Room) => {
      const latest = this.versions.latestMark(room.documentId);
      if (!latest || latest.lastUpdateId < room.storedUpToUpdateId) {
        this.checkpoint(room.documentId, room.doc, room.storedUpToUpdateId);
      }
    },
  };

  saveNamed(
    documentId: string,
    input: { label: string; note: string; meetingId: string | null },
    user: UserProfile,
  ): Promise<VersionSummary> {
    return this.readLive(documentId, (doc, lastUpdateId) =>
      this.create(documentId, doc, lastUpdateId, { kind: 'named', ...input, createdBy: user.id }),
    );
  }

  /** The live text as a structure, with its negotiation state, for compare with "current". */
  current(documentId: string): Promise<{ comparable: ComparableDocument; lastUpdateId: number }> {
    return this.readLive(documentId, (doc, lastUpdateId) => ({
      comparable: { structure: readDocumentStructure(doc), ...this.negotiationSnapshot(documentId) },
      lastUpdateId,
    }));
  }

  comparableOf(version: StoredVersion): ComparableDocument {
    return comparableOf(version);
  }

  /**
   * Restores a version as a new forward change: the live document's content
   * is replaced by copies of the version's elements (clause ids kept), stored
   * and broadcast like any edit. Everything after stays in the history.
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

  private checkpoint(documentId: string, doc: Y.Doc, lastUpdateId: number): void {
    try {
      const label = `Automatic checkpoint ${new Date(this.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      this.create(documentId, doc, lastUpdateId, {
        kind: 'automatic',
        label,
        note: '',
        meetingId: null,
        createdBy: null,
      });
      const listed = this.versions.list(documentId);
      const thinned = automaticVersionsToThin(listed, this.now());
      if (thinned.length > 0) {
        this.versions.deleteAutomatic(thinned);
        // The checkpoints that counted against a thinned one now count against the version before them.
        this.summaries.refreshStale(documentId);
      }
    } catch (error) {
      this.logger.error({ err: error, documentId }, 'automatic checkpoint failed');
    }
  }

  private create(
    documentId: string,
    doc: Y.Doc,
    lastUpdateId: number,
    meta: {
      kind: 'named' | 'automatic';
      label: string;
      note: string;
      meetingId: string | null;
      createdBy: string | null;
    },
  ): VersionSummary {
    const structure = readDocumentStructure(doc);
    const negotiation = this.negotiationSnapshot(documentId);
    const { summary, baseline } = this.summaries.forNewVersion(documentId, meta.kind, {
      structure,
      ...negotiation,
    });
    return this.versions.create({
      documentId,
      ...meta,
      state: Y.encodeStateAsUpdate(doc),
      structureJson: JSON.stringify(structure),
      negotiationJson: JSON.stringify(negotiation),
      amendmentsJson: this.options.amendments
        ? JSON.stringify(amendmentSnapshot(this.options.amendments.list(documentId)))
        : null,
      fingerprint: fingerprint(structure),
      lastUpdateId,
      summary,
      baseline,
      createdAt: new Date(this.now()).toISOString(),
    });
  }

  /** The amendments' state a version kept (`null`: the live state now), in number order. */
  amendmentState(
    documentId: string,
    version: Pick<VersionSummary, 'id' | 'createdAt'> | null,
  ): AmendmentState[] {
    const records = this.options.amendments?.list(documentId) ?? [];
    if (version === null) return amendmentSnapshot(records);
    return storedAmendmentSnapshot(
      this.versions.amendmentsJson(documentId, version.id),
      version.createdAt,
      records,
    );
  }

  /**
   * The amendments tabled and decided between two sides of a comparison (a
   * version, or `null` for the current state), the earlier in time first
   * whichever order they are given in.
   */
  amendmentChanges(
    documentId: string,
    one: Pick<VersionSummary, 'id' | 'createdAt'> | null,
    other: Pick<VersionSummary, 'id' | 'createdAt'> | null,
  ): AmendmentChangeEntry[] {
    const time = (side: typeof one) =>
      side === null ? Number.POSITIVE_INFINITY : Date.parse(side.createdAt);
    const [earlier, later] = time(other) < time(one) ? [other, one] : [one, other];
    return amendmentChangesBetween(
      this.amendmentState(documentId, earlier),
      this.amendmentState(documentId, later),
    );
  }

  negotiationSnapshot(documentId: string): NegotiationSnapshot {
    const statuses: Record<string, string> = {};
    for (const entry of this.negotiation.statuses(documentId)) statuses[entry.clauseId] = entry.status;
    const positions: Record<string, Record<string, string>> = {};
    for (const entry of this.negotiation.positions(documentId)) {
      positions[entry.clauseId] = { ...positions[entry.clauseId], [entry.participantCode]: entry.position };
    }
    const brackets: NonNullable<ComparableDocument['brackets']> = {};
    for (const bracket of this.negotiation.brackets(documentId)) {
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
