import type { UserProfile, VersionSummary } from '@draftroom/shared';
import * as Y from 'yjs';
import { type DocumentStorage, docFromStoredState } from '../collab/documentStorage';
import type { Room, RoomHooks } from '../collab/room';
import type { RoomRegistry } from '../collab/roomRegistry';
import { compareStructures } from '../compare/compareStructures';
import type { ComparableDocument } from '../compare/types';
import { type DocumentStructure, fingerprint, readDocumentStructure } from '../content/structure';
import type { Logger } from '../logger';
import type { NegotiationStore } from '../negotiation/negotiationStore';
import { automaticVersionsToThin } from './thinning';
import type { StoredVersion, VersionStore } from './versionStore';

export interface VersionServiceOptions {
  /** At most one automatic checkpoint per this much editing time. */
  checkpointIntervalMs: number;
  now?: () => number;
}

/** What a version freezes besides the text: statuses, brackets and positions, as compare reads them. */
export type NegotiationSnapshot = Omit<ComparableDocument, 'structure'>;

/** The live text of a document with the id of the newest update it includes. */
interface LiveText {
  doc: Y.Doc;
  lastUpdateId: number;
  release(): void;
}

/**
 * Named versions, automatic checkpoints (at most one per interval of
 * editing, and one when the last person leaves; thinned over time), and
 * restoring a version as a new forward change.
 */
export class VersionService {
  private readonly now: () => number;

  constructor(
    private readonly versions: VersionStore,
    private readonly negotiation: NegotiationStore,
    private readonly rooms: RoomRegistry,
    private readonly storage: DocumentStorage,
    private readonly logger: Logger,
    private readonly options: VersionServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The hooks that take automatic checkpoints; given to the room registry. */
  readonly hooks: RoomHooks = {
    onStored: (room) => {
      const latest = this.versions.latest(room.documentId);
      const last = latest ? Date.parse(latest.createdAt) : 0;
      if (this.now() - last >= this.options.checkpointIntervalMs)
        this.checkpoint(room.documentId, room.doc, room.storedUpToUpdateId);
    },
    onLastLeft: (room: Room) => {
      const latest = this.versions.latest(room.documentId);
      if (!latest || latest.lastUpdateId < room.storedUpToUpdateId) {
        this.checkpoint(room.documentId, room.doc, room.storedUpToUpdateId);
      }
    },
  };

  saveNamed(
    documentId: string,
    input: { label: string; note: string; meetingId: string | null },
    user: UserProfile,
  ): VersionSummary {
    const live = this.liveText(documentId);
    try {
      return this.create(documentId, live.doc, live.lastUpdateId, {
        kind: 'named',
        ...input,
        createdBy: user.id,
      });
    } finally {
      live.release();
    }
  }

  /** The live text as a structure, with its negotiation state, for compare with "current". */
  current(documentId: string): { comparable: ComparableDocument; lastUpdateId: number } {
    const live = this.liveText(documentId);
    try {
      const structure = readDocumentStructure(live.doc);
      return {
        comparable: { structure, ...this.negotiationSnapshot(documentId) },
        lastUpdateId: live.lastUpdateId,
      };
    } finally {
      live.release();
    }
  }

  comparableOf(version: StoredVersion): ComparableDocument {
    const structure = JSON.parse(version.structureJson) as DocumentStructure;
    return { structure, ...(JSON.parse(version.negotiationJson) as NegotiationSnapshot) };
  }

  /**
   * Restores a version as a new forward change: the live document's content
   * is replaced by copies of the version's elements (clause ids kept), stored
   * and broadcast like any edit. Everything after stays in the history.
   */
  restore(documentId: string, version: StoredVersion, user: UserProfile): void {
    const source = new Y.Doc();
    Y.applyUpdate(source, version.state);
    const room = this.rooms.open(documentId);
    try {
      room.applyServerChange(
        (doc) => {
          const content = doc.getXmlFragment('content');
          const copies = source
            .getXmlFragment('content')
            .toArray()
            .map((node) => (node as Y.XmlElement | Y.XmlText).clone());
          content.delete(0, content.length);
          content.insert(0, copies);
        },
        { userId: user.id, participantId: user.participant.id, touchedClauses: [] },
      );
    } finally {
      source.destroy();
      this.rooms.released(room);
    }
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
      const thinned = automaticVersionsToThin(this.versions.list(documentId), this.now());
      if (thinned.length > 0) this.versions.deleteAutomatic(thinned);
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
    const previous = this.versions.latest(documentId);
    const comparison = previous
      ? compareStructures(this.comparableOf(previous), { structure, ...negotiation })
      : undefined;
    const counts = comparison?.summary.total;
    return this.versions.create({
      documentId,
      ...meta,
      state: Y.encodeStateAsUpdate(doc),
      structureJson: JSON.stringify(structure),
      negotiationJson: JSON.stringify(negotiation),
      fingerprint: fingerprint(structure),
      lastUpdateId,
      summary: {
        added: counts?.added ?? 0,
        changed: counts?.changed ?? 0,
        removed: counts?.removed ?? 0,
        moved: counts?.moved ?? 0,
      },
    });
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
      };
    }
    return { statuses, positions, brackets };
  }

  private liveText(documentId: string): LiveText {
    const open = this.rooms.get(documentId);
    if (open) return { doc: open.doc, lastUpdateId: open.storedUpToUpdateId, release: () => undefined };
    const stored = this.storage.load(documentId);
    const doc = docFromStoredState(stored);
    return { doc, lastUpdateId: stored.lastUpdateId, release: () => doc.destroy() };
  }
}
