import { CloseCode } from '@draftroom/shared';
import * as Y from 'yjs';
import { CollabRefusal } from '../errors';
import type { Struct, UpdateIndex } from './updateIndex';

/** What one client update may claim (issue 11, item 3). Configurable; see the README's limits table. */
export interface UpdateLimits {
  /**
   * New clock units (characters, elements, attributes, deleted or
   * garbage-collected placeholders) one update may add, over all its clients.
   * A paste is bounded by the frame size (`MAX_MESSAGE_BYTES`, 4 MiB: at most
   * ~4 M characters), so the default 8,388,608 leaves room for a client that
   * typed and deleted offline; placeholder structures claiming 2^40 units are
   * refused.
   */
  maxClockSpan: number;
  /** Distinct Yjs client ids in one update (an editor's own update carries one). */
  maxClients: number;
}

export const DEFAULT_UPDATE_LIMITS: UpdateLimits = { maxClockSpan: 8_388_608, maxClients: 256 };

/** Yjs client ids are unsigned 32-bit integers (`random.uint32()` in Yjs). */
const MAX_CLIENT_ID = 0xffff_ffff;

function malformed(message: string): CollabRefusal {
  return new CollabRefusal(CloseCode.MalformedMessage, message);
}

/**
 * An update that depends on changes of its own author's Yjs client that the
 * server has not received yet. An honest y-websocket client sends these: after
 * a reconnect it sends each new keystroke at once, while the changes it made
 * offline follow in its sync step 2. The room keeps such an update aside,
 * outside the document, until they arrive (see ParkedUpdates).
 */
export class AwaitingOwnChanges extends CollabRefusal {
  constructor(message: string) {
    super(CloseCode.ResyncRequired, message);
    this.name = 'AwaitingOwnChanges';
  }
}

/** Missing changes of a client the update itself writes for (`own`) may still arrive; others cannot. */
function missing(message: string, own: boolean): CollabRefusal {
  return own ? new AwaitingOwnChanges(message) : new CollabRefusal(CloseCode.ResyncRequired, message);
}

/**
 * Bounds what an update claims (4400 beyond `limits`) and checks that Yjs can
 * integrate all of it now: every struct follows what the document or the
 * update already has for its client, every origin, right origin and parent
 * exists, and every deleted range lies within known clocks. Yjs would keep
 * anything else pending inside the document, unchecked, unstored and
 * unbroadcast, and hand it to the next client that syncs (issue 11, item 2);
 * such an update is refused with 4409 (ResyncRequired) and changes nothing —
 * unless only its own client's earlier changes are missing (AwaitingOwnChanges).
 * Returns the coverage per client: the update's known clocks [0, coverage).
 */
export function checkUpdateStructure(index: UpdateIndex, limits: UpdateLimits): Map<number, number> {
  const clients = new Set<number>(index.byClient.keys());
  for (const client of index.decoded.ds.clients.keys()) clients.add(client);
  if (clients.size > limits.maxClients) {
    throw malformed(`update names ${clients.size} clients (at most ${limits.maxClients})`);
  }
  for (const client of clients) {
    if (!Number.isSafeInteger(client) || client < 0 || client > MAX_CLIENT_ID) {
      throw malformed(`client id ${client} is not a 32-bit unsigned integer`);
    }
  }
  checkStructSections(index);
  const coverage = coverPerClient(index, limits);
  // Yjs asks every item, known or new, for its dependencies (Item.getMissing) before integrating it.
  const items = index.decoded.structs.filter((struct): struct is Y.Item => struct instanceof Y.Item);
  for (const item of items) {
    const offset = Math.max(0, index.stateOf(item.id.client) - item.id.clock);
    // The new tail of a partly known item is linked after the client's last known unit.
    const predecessor =
      offset > 0 && offset < item.length ? Y.createID(item.id.client, item.id.clock + offset - 1) : null;
    const firstNew = Y.createID(item.id.client, item.id.clock + Math.min(offset, item.length - 1));
    const parentId = item.parent instanceof Y.ID ? item.parent : null;
    for (const dependency of [predecessor, item.origin, item.rightOrigin, parentId]) {
      if (dependency && !isKnown(index, dependency, firstNew, coverage)) {
        throw missing(
          `item ${item.id.client}:${item.id.clock} depends on unknown ${dependency.client}:${dependency.clock}`,
          index.byClient.has(dependency.client),
        );
      }
    }
  }
  for (const [client, ranges] of index.decoded.ds.clients) {
    const covered = coverage.get(client) ?? index.stateOf(client);
    for (const range of ranges) {
      if (range.len < 0 || range.clock + range.len > covered) {
        throw missing(
          `deletion of unknown items ${client}:${range.clock}+${range.len}`,
          index.byClient.has(client),
        );
      }
    }
  }
  return coverage;
}

/**
 * Refuses (4400) structs of length 0 (Yjs integrates them, yet they name no
 * clock of their own, so nothing could check them) and a client's structs in
 * more than one section of the update (Yjs keeps only the last section; the
 * checks must see exactly what Yjs integrates).
 */
function checkStructSections(index: UpdateIndex): void {
  const seen = new Set<number>();
  let previous: Struct | undefined;
  for (const struct of index.decoded.structs) {
    if (struct.length <= 0)
      throw malformed(`a struct of client ${struct.id.client} has length ${struct.length}`);
    const client = struct.id.client;
    const continues =
      previous?.id.client === client && struct.id.clock === previous.id.clock + previous.length;
    if (!continues && seen.has(client))
      throw malformed(`structs of client ${client} in more than one section`);
    seen.add(client);
    previous = struct;
  }
}

/** Per client: how far the document plus this update cover clocks without a gap; bounds the new span. */
function coverPerClient(index: UpdateIndex, limits: UpdateLimits): Map<number, number> {
  const coverage = new Map<number, number>();
  let span = 0;
  for (const [client, structs] of index.byClient) {
    let covered = index.stateOf(client);
    for (const struct of structs) {
      if (struct.length > limits.maxClockSpan) {
        throw malformed(`a struct claims ${struct.length} units (at most ${limits.maxClockSpan})`);
      }
      if (struct instanceof Y.Skip) continue;
      if (struct.id.clock > covered) {
        throw missing(
          `structs of client ${client} start at ${struct.id.clock}; the server has ${covered}`,
          true,
        );
      }
      const end = struct.id.clock + struct.length;
      if (end > covered) {
        span += end - covered;
        covered = end;
      }
    }
    if (span > limits.maxClockSpan) {
      throw malformed(`update adds ${span} clock units (at most ${limits.maxClockSpan})`);
    }
    coverage.set(client, covered);
  }
  return coverage;
}

/** A dependency of `of` is known when the document or the update has it (the same client's: earlier). */
function isKnown(index: UpdateIndex, dependency: Y.ID, of: Y.ID, coverage: Map<number, number>): boolean {
  if (dependency.client === of.client) return dependency.clock < of.clock;
  const covered = coverage.get(dependency.client) ?? index.stateOf(dependency.client);
  return dependency.clock < covered;
}
