// @vitest-environment happy-dom
/**
 * The root cause of "two delegates typing in the same clause garble each
 * other's text" (issue 10), reproduced without a browser or a server: two
 * TipTap editors with Draftroom's schema, bound to two Y.Docs whose structure
 * was written directly into Yjs (as the server's seed and version restore do),
 * exchanging updates keystroke by keystroke.
 *
 * Before the fix (patches/@tiptap__y-tiptap@3.0.9.patch), y-tiptap 3.0.9's
 * `recoverSelectionEndpoint` took any change of the caret paragraph's text
 * for a misresolved position and put the caret back at its old character
 * offset in the block it found by its id attribute; each remote character
 * typed before the local caret therefore left the caret one character behind,
 * and the local string came out reversed inside the remote one. The same
 * patch makes the caret follow text moved by a split or a join (the binding
 * writes those as delete + copy), writes a typed character that equals its
 * neighbour on the caret's side, and keeps the longer half of a split element
 * in place.
 */
import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import StarterKit from '@tiptap/starter-kit';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ClauseCommands } from '../../client/src/editor/clauseCommands';
import { Clause, DraftDocument, Section, SectionHeading } from '../../client/src/editor/schema';

const ORIGINAL = 'Promote voluntary return in cooperation with IOM.';
const REMOTE = 'remote';

interface Peer {
  doc: Y.Doc;
  editor: Editor;
}

/**
 * Writes a section with one clause straight into the Y.Doc, the way the server seeds documents; with
 * `clauseAfter`, a second clause follows it (a split then shifts a sibling the binding has mapped).
 */
function seedStructure(doc: Y.Doc, clauseAfter = false): void {
  const section = new Y.XmlElement('section');
  section.setAttribute('id', 'sec-test');
  const heading = new Y.XmlElement('sectionHeading');
  heading.insert(0, [new Y.XmlText('Return and readmission')]);
  const clause = new Y.XmlElement('clause');
  clause.setAttribute('id', 'cl-test');
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(ORIGINAL)]);
  clause.insert(0, [paragraph]);
  section.insert(0, [heading, clause]);
  if (clauseAfter) {
    const next = new Y.XmlElement('clause');
    next.setAttribute('id', 'cl-next');
    const nextParagraph = new Y.XmlElement('paragraph');
    nextParagraph.insert(0, [new Y.XmlText('Next clause.')]);
    next.insert(0, [nextParagraph]);
    section.insert(2, [next]);
  }
  doc.getXmlFragment('content').insert(0, [section]);
}

function peer(seed: Uint8Array): Peer {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, seed);
  const editor = new Editor({
    element: document.createElement('div'),
    extensions: [
      StarterKit.configure({ document: false, undoRedo: false, trailingNode: false }),
      DraftDocument,
      Section,
      SectionHeading,
      Clause,
      ClauseCommands,
      Collaboration.configure({ document: doc, field: 'content' }),
    ],
  });
  return { doc, editor };
}

/** Sends every local change of `from` to `to` (as the provider would, one update at a time). */
function sync(from: Peer, to: Peer): void {
  Y.applyUpdate(to.doc, Y.encodeStateAsUpdate(from.doc, Y.encodeStateVector(to.doc)), REMOTE);
}

/** The ProseMirror position of `offset` characters into the clause paragraph's text. */
function positionInClause(editor: Editor, offset: number): number {
  let found: number | undefined;
  editor.state.doc.descendants((node, pos) => {
    if (found === undefined && node.type.name === 'paragraph' && node.textContent.includes('IOM')) {
      found = pos + 1 + offset;
    }
    return found === undefined;
  });
  if (found === undefined) throw new Error('clause paragraph not found');
  return found;
}

/** The clause's paragraphs' texts joined by " | ". */
function clauseText(editor: Editor): string {
  const paragraphs: string[] = [];
  editor.state.doc.descendants((node) => {
    if (node.type.name === 'paragraph') paragraphs.push(node.textContent);
    return true;
  });
  return paragraphs.join(' | ');
}

/** Types one character at the local caret, as a keystroke does. */
function typeCharacter(editor: Editor, character: string): void {
  editor.view.dispatch(editor.state.tr.insertText(character));
}

/** Two peers type their strings character by character, alternating, syncing after each keystroke. */
function typeTogether(a: Peer, aText: string, b: Peer, bText: string): void {
  for (let i = 0; i < Math.max(aText.length, bText.length); i++) {
    if (i < aText.length) {
      typeCharacter(a.editor, aText[i] as string);
      sync(a, b);
    }
    if (i < bText.length) {
      typeCharacter(b.editor, bText[i] as string);
      sync(b, a);
    }
  }
}

describe('a local caret follows remote text in a paragraph rendered from the Y.Doc', () => {
  const peers: Peer[] = [];
  afterEach(() => {
    for (const { editor, doc } of peers.splice(0)) {
      editor.destroy();
      doc.destroy();
    }
  });

  function twoPeers(clauseAfter = false): [Peer, Peer] {
    const origin = new Y.Doc();
    seedStructure(origin, clauseAfter);
    const seed = Y.encodeStateAsUpdate(origin);
    const a = peer(seed);
    const b = peer(seed);
    peers.push(a, b);
    return [a, b];
  }

  it('moves the caret forward by what a collaborator inserted before it', () => {
    const [a, b] = twoPeers();
    a.editor.commands.setTextSelection(positionInClause(a.editor, ORIGINAL.length));
    b.editor.commands.setTextSelection(positionInClause(b.editor, 0));
    const before = a.editor.state.selection.head;
    typeCharacter(b.editor, 'X');
    sync(b, a);
    expect(a.editor.state.selection.head).toBe(before + 1);
  });

  it('keeps both strings intact when one types at the end and the other at the start', () => {
    const [a, b] = twoPeers();
    a.editor.commands.setTextSelection(positionInClause(a.editor, ORIGINAL.length));
    b.editor.commands.setTextSelection(positionInClause(b.editor, 0));
    typeTogether(a, ' [PL: within available resources]', b, '[HU: where appropriate] ');
    const expected = `[HU: where appropriate] ${ORIGINAL} [PL: within available resources]`;
    expect(clauseText(a.editor)).toBe(expected);
    expect(clauseText(b.editor)).toBe(expected);
  });

  it('keeps a word typed inside another word intact while the other types before it', () => {
    const [a, b] = twoPeers();
    const inWord = ORIGINAL.indexOf('cooperation') + 2; // "co|operation"
    a.editor.commands.setTextSelection(positionInClause(a.editor, inWord));
    b.editor.commands.setTextSelection(positionInClause(b.editor, ORIGINAL.indexOf('voluntary')));
    typeTogether(a, '<A-mid>', b, '<B-before>');
    const expected = ORIGINAL.replace('voluntary', '<B-before>voluntary').replace(
      'cooperation',
      'co<A-mid>operation',
    );
    expect(clauseText(a.editor)).toBe(expected);
    expect(clauseText(b.editor)).toBe(expected);
  });

  it('keeps a selected range on the same words while a collaborator types before and inside it', () => {
    const [a, b] = twoPeers();
    const start = ORIGINAL.indexOf('voluntary return');
    a.editor.commands.setTextSelection({
      from: positionInClause(a.editor, start),
      to: positionInClause(a.editor, start + 'voluntary return'.length),
    });
    b.editor.commands.setTextSelection(positionInClause(b.editor, 0));
    for (const character of 'Do ') {
      typeCharacter(b.editor, character);
      sync(b, a);
    }
    b.editor.commands.setTextSelection(positionInClause(b.editor, 'Do '.length + start + 'voluntary'.length));
    for (const character of ' and dignified') {
      typeCharacter(b.editor, character);
      sync(b, a);
    }
    const { from, to } = a.editor.state.selection;
    expect(a.editor.state.doc.textBetween(from, to)).toBe('voluntary and dignified return');
  });

  it('places a typed character equal to the one after the caret on the caret’s side, so both typists stay apart', () => {
    const [a, b] = twoPeers();
    const beforeSpace = ORIGINAL.indexOf(' in cooperation');
    a.editor.commands.setTextSelection(positionInClause(a.editor, beforeSpace));
    b.editor.commands.setTextSelection(positionInClause(b.editor, beforeSpace));
    typeTogether(a, ' [A one]', b, ' [B two]');
    const text = clauseText(a.editor);
    expect(clauseText(b.editor)).toBe(text);
    expect([
      ORIGINAL.replace(' in cooperation', ' [A one] [B two] in cooperation'),
      ORIGINAL.replace(' in cooperation', ' [B two] [A one] in cooperation'),
    ]).toContain(text);
  });

  it('carries the caret with its text when a collaborator splits the paragraph before it (Enter)', () => {
    const [a, b] = twoPeers();
    a.editor.commands.setTextSelection(positionInClause(a.editor, ORIGINAL.length));
    typeCharacter(a.editor, ' ');
    sync(a, b);
    b.editor.commands.setTextSelection(positionInClause(b.editor, 'Promote '.length));
    b.editor.commands.splitBlock();
    sync(b, a);
    for (const character of '[after split]') {
      typeCharacter(a.editor, character);
      sync(a, b);
    }
    const expected = `Promote  | ${ORIGINAL.slice('Promote '.length)} [after split]`;
    expect(clauseText(a.editor)).toBe(expected);
    expect(clauseText(b.editor)).toBe(expected);
  });

  it('carries the caret with its text when a collaborator joins its paragraph to the one before (Backspace)', () => {
    const [a, b] = twoPeers();
    b.editor.commands.setTextSelection(positionInClause(b.editor, 'Promote '.length));
    b.editor.commands.splitBlock();
    sync(b, a);
    const secondParagraphEnd = a.editor.state.doc.resolve(positionInClause(a.editor, 0)).end();
    a.editor.commands.setTextSelection(secondParagraphEnd);
    b.editor.commands.joinBackward();
    sync(b, a);
    for (const character of '[after join]') {
      typeCharacter(a.editor, character);
      sync(a, b);
    }
    const expected = `${ORIGINAL}[after join]`;
    expect(clauseText(a.editor)).toBe(expected);
    expect(clauseText(b.editor)).toBe(expected);
  });

  it('keeps a keystroke sent before a remote split arrived in the half it was typed in (the longer half stays in place)', () => {
    const [a, b] = twoPeers();
    a.editor.commands.setTextSelection(positionInClause(a.editor, ORIGINAL.length));
    b.editor.commands.setTextSelection(positionInClause(b.editor, 'Promote '.length));
    // Both act before either hears of the other: A types at the end, B splits near the start.
    typeCharacter(a.editor, '!');
    b.editor.commands.splitBlock();
    sync(a, b);
    sync(b, a);
    const expected = `Promote  | ${ORIGINAL.slice('Promote '.length)}!`;
    expect(clauseText(a.editor)).toBe(expected);
    expect(clauseText(b.editor)).toBe(expected);
  });

  it('keeps a keystroke sent before a remote clause split (Ctrl+Enter) arrived in the longer half, also with clauses after it', () => {
    const [a, b] = twoPeers(true);
    a.editor.commands.setTextSelection(positionInClause(a.editor, ORIGINAL.length - 1));
    b.editor.commands.setTextSelection(positionInClause(b.editor, 'Promote '.length));
    typeCharacter(a.editor, '!');
    b.editor.commands.splitClause();
    sync(a, b);
    sync(b, a);
    // A's caret stays after its keystroke, in the new clause: the next one lands there too.
    typeCharacter(a.editor, '?');
    sync(a, b);
    const clauses = (editor: Editor) => {
      const texts: string[] = [];
      editor.state.doc.descendants((node) => {
        if (node.type.name === 'clause') texts.push(node.textContent);
        return node.type.name !== 'clause';
      });
      return texts;
    };
    const expected = ['Promote', `${ORIGINAL.slice('Promote '.length, -1)}!?.`, 'Next clause.'];
    expect(clauses(a.editor)).toEqual(expected);
    expect(clauses(b.editor)).toEqual(expected);
  });
});
