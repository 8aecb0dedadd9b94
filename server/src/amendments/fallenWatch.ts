import type { Amendment } from '@draftroom/shared';
import type * as Y from 'yjs';
import type { Room, RoomHooks } from '../collab/room';
import type { Logger } from '../logger';
import type { AmendmentStore } from './amendmentStore';
import { clauseIdSet } from './clauseWriter';

/**
 * Makes a tabled amendment fall (`fallen`, reason `clause-deleted`) as soon
 * as its clause is gone from the text, whoever deleted it and however (a
 * client deleting the clause in the editor, a version restored, an accepted
 * deletion), and pushes the change live.
 *
 * Cost under many typists: it runs after each stored turn (RoomHooks.onStored:
 * once per event-loop turn of edits, which the room commits together, not once
 * per keystroke). A document with no tabled amendment costs one Map lookup
 * (the clause ids with tabled amendments are cached per document, read with
 * one indexed query after any amendment change). Otherwise it reads only the
 * section and clause elements' `id` attributes — O(sections + clauses), no
 * text — and queries the store only when a clause with tabled amendments is
 * missing. Deciding from what the turn touched instead would need the update
 * decoded again; reading ~200 attributes is cheaper and cannot miss a path.
 */
export class FallenWatch {
  private readonly openClauses = new Map<string, Set<string>>();

  constructor(
    private readonly store: AmendmentStore,
    private readonly publish: (documentId: string, amendments: readonly Amendment[]) => void,
    private readonly logger: Logger,
  ) {}

  /** Drops the cached clause ids of a document (after any change to its amendments). */
  forget(documentId: string): void {
    this.openClauses.delete(documentId);
  }

  readonly hooks: RoomHooks = {
    onStored: (room: Room) => this.check(room.documentId, room.doc),
    onLastLeft: (room: Room) => this.forget(room.documentId),
  };

  /**
   * Makes fall every tabled amendment of `documentId` whose clause `doc` no
   * longer has; returns them. Never throws (it runs inside the room's commit
   * path): a failure is logged and retried after the next stored turn.
   */
  check(documentId: string, doc: Y.Doc): Amendment[] {
    try {
      let open = this.openClauses.get(documentId);
      if (!open) {
        open = this.store.openClauseIds(documentId);
        this.openClauses.set(documentId, open);
      }
      if (open.size === 0) return [];
      const present = clauseIdSet(doc);
      const gone = [...open].filter((clauseId) => !present.has(clauseId));
      if (gone.length === 0) return [];
      const fallen = this.store.transaction(() =>
        this.store.open(documentId, gone).filter((amendment) =>
          this.store.conclude(documentId, amendment.id, {
            status: 'fallen',
            fallenReason: 'clause-deleted',
            decidedBy: null,
          }),
        ),
      );
      this.forget(documentId);
      const changed = fallen.map((amendment) => this.store.get(documentId, amendment.id) as Amendment);
      this.publish(documentId, changed);
      if (changed.length > 0) {
        this.logger.info(
          { documentId, amendments: changed.map((a) => a.number) },
          'amendments fell: clause deleted',
        );
      }
      return changed;
    } catch (error) {
      this.forget(documentId);
      this.logger.error({ err: error, documentId }, 'could not check amendments for deleted clauses');
      return [];
    }
  }
}
