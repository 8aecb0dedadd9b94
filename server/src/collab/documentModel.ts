import { CloseCode, DOCUMENT_MODEL, ID_ATTR } from '@draftroom/shared';
import * as Y from 'yjs';
import { CollabRefusal } from '../errors';
import type { UpdateIndex } from './updateIndex';
import type { ParentOf, ParentResolver } from './updateParents';

/** What kind of container an item goes into. */
type Container =
  | { kind: 'fragment' }
  | { kind: 'element'; nodeName: string }
  | { kind: 'text' }
  | { kind: 'none' }
  | { kind: 'other'; what: string };

function refuse(message: string): never {
  throw new CollabRefusal(CloseCode.MalformedMessage, `not part of the document model: ${message}`);
}

function containerOfType(type: unknown): Container {
  if (type instanceof Y.XmlElement) return { kind: 'element', nodeName: type.nodeName };
  if (type instanceof Y.XmlText) return { kind: 'text' };
  return { kind: 'other', what: (type as object)?.constructor?.name ?? 'unknown type' };
}

function containerOf(parent: ParentOf): Container {
  switch (parent.kind) {
    case 'collected':
      return { kind: 'none' };
    case 'invalid':
      return refuse(parent.why);
    case 'root':
      return parent.name === DOCUMENT_MODEL.root
        ? { kind: 'fragment' }
        : refuse(`root type "${parent.name}"`);
    case 'document': {
      const type = parent.type;
      if (type._item === null) {
        const name = Y.findRootTypeKey(type);
        return name === DOCUMENT_MODEL.root ? { kind: 'fragment' } : refuse(`root type "${name}"`);
      }
      return containerOfType(type);
    }
    case 'update':
      return containerOfType((parent.item.content as Y.ContentType).type);
  }
}

function checkAttribute(container: Container, key: string, content: Y.Item['content']): void {
  if (container.kind !== 'element') refuse(`attribute "${key}" on a ${container.kind}`);
  const allowed = DOCUMENT_MODEL.elements[container.nodeName] ?? [];
  if (!allowed.includes(key)) refuse(`attribute "${key}" on ${container.nodeName}`);
  if (content instanceof Y.ContentDeleted) return;
  if (!(content instanceof Y.ContentAny)) refuse(`attribute "${key}" holding ${content.constructor.name}`);
  for (const value of content.getContent()) {
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
      refuse(`attribute "${key}" holding an object`);
    }
    // A clause or section id is a string (newNodeId); the clause lock names clauses by it, so
    // an id of another type would be a clause that a lock on it could not name.
    if (key === ID_ATTR && typeof value !== 'string') refuse(`attribute "${key}" holding a ${typeof value}`);
  }
}

function checkChild(container: Container, content: Y.Item['content']): void {
  if (content instanceof Y.ContentDeleted) return;
  if (container.kind === 'text') {
    if (content instanceof Y.ContentString) return;
    if (content instanceof Y.ContentFormat) {
      if (!DOCUMENT_MODEL.marks.includes(content.key)) refuse(`mark "${content.key}"`);
      return;
    }
    refuse(`${content.constructor.name} in text`);
  }
  if (container.kind !== 'fragment' && container.kind !== 'element') {
    refuse(`content in ${container.kind === 'other' ? container.what : container.kind}`);
  }
  if (!(content instanceof Y.ContentType)) refuse(`${content.constructor.name} in an element`);
  const type = content.type;
  if (type instanceof Y.XmlText) return;
  if (type instanceof Y.XmlElement && type.nodeName in DOCUMENT_MODEL.elements) {
    const placement = DOCUMENT_MODEL.placement[type.nodeName];
    const here = container.kind === 'fragment' ? DOCUMENT_MODEL.root : container.nodeName;
    if (placement && !placement.includes(here)) refuse(`element "${type.nodeName}" inside "${here}"`);
    return;
  }
  refuse(type instanceof Y.XmlElement ? `element "${type.nodeName}"` : `a ${type.constructor.name}`);
}

/**
 * Refuses (4400) an update that writes anything the editor's schema does not
 * define (issue 11, item 5): another root type than `content`, an element or
 * attribute or mark the schema does not have, a map, array, embed, binary or
 * sub-document. Garbage (items whose neighbours were collected) is let through:
 * Yjs stores it as an empty GC struct.
 */
export function checkDocumentModel(index: UpdateIndex, parents: ParentResolver): void {
  for (const newItem of index.newItems) {
    const parent = parents.parentOfNew(newItem);
    const container = containerOf(parent);
    if (container.kind === 'none') continue;
    const key = parent.kind === 'collected' || parent.kind === 'invalid' ? null : parent.key;
    if (key !== null) checkAttribute(container, key, newItem.item.content);
    else checkChild(container, newItem.item.content);
  }
}
