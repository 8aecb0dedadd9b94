import { BRACKET_MARK, CloseCode } from '@draftroom/shared';
import * as Y from 'yjs';
import { CollabRefusal } from '../errors';
import { DeletedByUpdate, liveItemsDeleted } from './deletedByUpdate';
import type { UpdateIndex } from './updateIndex';
import type { ParentResolver } from './updateParents';

function refuse(message: string): never {
  throw new CollabRefusal(CloseCode.MalformedMessage, `${message}: only the bracket commands write brackets`);
}

function isBracketFormat(item: Y.Item): item is Y.Item & { content: Y.ContentFormat } {
  return item.content instanceof Y.ContentFormat && item.content.key === BRACKET_MARK;
}

/** The bracket a formatting value names, comparable with `===` (null: no bracket). */
function bracketOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const id = (value as { id?: unknown }).id;
  return typeof value === 'object' && typeof id === 'string' ? id : JSON.stringify(value);
}

/**
 * Refuses (4400) a client update that changes which characters carry which
 * bracket. Brackets are server commands (negotiation/bracketCommands.ts): the
 * server writes a bracket's record and its mark — the formatting attribute
 * `bracket: {id}` on characters of a Y.XmlText — in one commit, so a client
 * may neither
 * - insert a formatting item with the bracket key, whatever its value: a
 *   bracket without a record, a second passage with a bracket's id, another
 *   id, or null (which takes a bracket off); nor
 * - delete one of the document's bracket formatting items where that changes
 *   the bracket of characters that stay (see checkDeletedBracketFormats).
 * Typing and deleting inside a bracket write neither: Yjs inserts the typed
 * characters between the existing formatting items, and its clean-up deletes
 * only formatting items that no longer format anything.
 * Cost: one type test per new item; deleted ranges are walked only when they
 * hold a bracket formatting item.
 */
export function checkBracketMarks(index: UpdateIndex, parents: ParentResolver): void {
  for (const newItem of index.newItems) {
    const { item } = newItem;
    if (!isBracketFormat(item)) continue;
    // An item next to garbage-collected content becomes garbage itself: it formats nothing.
    if (parents.parentOfNew(newItem).kind === 'collected') continue;
    refuse(`the update writes the bracket mark (${String(JSON.stringify(item.content.value)).slice(0, 80)})`);
  }
  const deleted = liveItemsDeleted(index, isBracketFormat);
  if (deleted.length > 0) checkDeletedBracketFormats(index, deleted);
}

/**
 * A deleted bracket formatting item F stops applying to the characters up to
 * the next bracket formatting item that stays; they take the bracket of the
 * last one before F that stays. Where that changes the bracket of a
 * character that was there and stays, the update is refused — unless the
 * character is concurrent typing the deleting client had not seen: Yjs's
 * clean-up on that client deleted F because the passage it had was gone,
 * while another delegate typed into that passage. Such a character was
 * typed next to a character that is deleted (its left or right origin), or
 * next to another such character; it loses the bracket with the passage.
 */
function checkDeletedBracketFormats(index: UpdateIndex, formats: readonly Y.Item[]): void {
  const byUpdate = new DeletedByUpdate(index);
  const stays = (item: Y.Item) => !byUpdate.isDeleted(item);
  const walked = new Set<Y.Item>();
  for (const format of formats) {
    if (walked.has(format)) continue;
    let after: unknown = null;
    for (let left = format.left; left !== null; left = left.left) {
      if (isBracketFormat(left) && stays(left)) {
        after = left.content.value;
        break;
      }
    }
    const typedConcurrently = new Set<Y.Item>();
    let before: unknown = null;
    for (let item: Y.Item | null = format; item !== null; item = item.right) {
      if (isBracketFormat(item)) {
        if (stays(item)) break;
        walked.add(item);
        if (!item.deleted) before = item.content.value;
        continue;
      }
      if (!item.countable || !stays(item) || bracketOf(before) === bracketOf(after)) continue;
      if (nextToDeleted(index, item, byUpdate, typedConcurrently)) {
        typedConcurrently.add(item);
        continue;
      }
      refuse(
        `the update deletes a bracket formatting item and so changes the bracket of "${String(item.content.getContent().join('')).slice(0, 40)}"`,
      );
    }
  }
}

/** True when `item` was typed right after or before a deleted unit, or right after one of `concurrent`. */
function nextToDeleted(
  index: UpdateIndex,
  item: Y.Item,
  byUpdate: DeletedByUpdate,
  concurrent: ReadonlySet<Y.Item>,
): boolean {
  for (const id of [item.origin, item.rightOrigin]) {
    if (id === null || !index.inDocument(id)) continue;
    const neighbour = index.documentStruct(id);
    if (!(neighbour instanceof Y.Item) || byUpdate.isDeleted(neighbour) || concurrent.has(neighbour)) {
      return true;
    }
  }
  return false;
}
