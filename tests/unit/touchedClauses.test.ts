import { ID_ATTR, NodeName } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { effectOf } from '../../server/src/collab/updateInspection';
import { encodeOutline, readClauses } from '../../server/src/content/outline';

const outline = {
  preamble: { heading: 'Preamble', paragraphs: ['Recalling the Joint Declaration,'] },
  sections: [
    { title: 'Illegal migration', clauses: ['Exchange information on routes.', 'Train border guards.'] },
    { title: 'Readmission', clauses: ['Implement readmission agreements.'] },
  ],
};

/** A server document and a client replica of it; `edit` returns the update the client's change produces. */
function setUp() {
  const server = new Y.Doc();
  Y.applyUpdate(server, encodeOutline(outline));
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const ids = readClauses(server).map((clause) => clause.id);
  const edit = (change: (doc: Y.Doc) => void) => {
    const before = Y.encodeStateVector(client);
    change(client);
    return Y.encodeStateAsUpdate(client, before);
  };
  return { server, client, ids, edit };
}

const clausesTouchedBy = (doc: Y.Doc, update: Uint8Array) => effectOf(doc, update).touched;

function clauseElement(doc: Y.Doc, index: number): Y.XmlElement {
  const sections = doc
    .getXmlFragment('content')
    .toArray()
    .filter((n) => n instanceof Y.XmlElement && n.nodeName === 'section');
  const clauses = (sections as Y.XmlElement[]).flatMap((s) =>
    s.toArray().filter((n) => (n as Y.XmlElement).nodeName === 'clause'),
  );
  return clauses[index] as Y.XmlElement;
}

function firstText(clause: Y.XmlElement): Y.XmlText {
  return (clause.get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

describe('clausesTouchedBy', () => {
  it('finds the clause of a text insertion', () => {
    const { server, ids, edit } = setUp();
    const update = edit((doc) => firstText(clauseElement(doc, 1)).insert(5, 'joint '));
    expect([...clausesTouchedBy(server, update)]).toEqual([ids[1]]);
  });

  it('finds the clause of a deletion, and of a formatting change', () => {
    const deletion = setUp();
    const deleted = deletion.edit((doc) => firstText(clauseElement(doc, 2)).delete(0, 10));
    expect([...clausesTouchedBy(deletion.server, deleted)]).toEqual([deletion.ids[2]]);
    // A fresh replica: an update always carries its document's whole delete set.
    const formatting = setUp();
    const bold = formatting.edit((doc) => firstText(clauseElement(doc, 0)).format(0, 8, { bold: {} }));
    expect([...clausesTouchedBy(formatting.server, bold)]).toEqual([formatting.ids[0]]);
  });

  it('finds the clause when a new paragraph is added inside it', () => {
    const { server, ids, edit } = setUp();
    const update = edit((doc) => {
      const paragraph = new Y.XmlElement(NodeName.paragraph);
      paragraph.insert(0, [new Y.XmlText('A second paragraph.')]);
      clauseElement(doc, 0).insert(1, [paragraph]);
    });
    expect([...clausesTouchedBy(server, update)]).toEqual([ids[0]]);
  });

  it('reports a deleted clause and a newly created one, but not its untouched neighbours', () => {
    const { server, ids, edit } = setUp();
    const update = edit((doc) => {
      const section = clauseElement(doc, 0).parent as Y.XmlElement;
      section.delete(2, 1); // the second clause of section 1
      const created = new Y.XmlElement(NodeName.clause);
      created.setAttribute(ID_ATTR, 'cl-new');
      const paragraph = new Y.XmlElement(NodeName.paragraph);
      paragraph.insert(0, [new Y.XmlText('A new action.')]);
      created.insert(0, [paragraph]);
      section.insert(2, [created]);
    });
    expect([...clausesTouchedBy(server, update)].sort()).toEqual([ids[1], 'cl-new'].sort());
  });

  it('touches no clause for edits to the preamble', () => {
    const { server, edit } = setUp();
    const update = edit((doc) => {
      const preamble = doc.getXmlFragment('content').get(1) as Y.XmlElement;
      (preamble.get(0) as Y.XmlText).insert(0, 'Further ');
    });
    expect(clausesTouchedBy(server, update).size).toBe(0);
  });
});

describe('clausesTouchedBy with a delete set the server already has', () => {
  it('ignores deletions that are already applied', () => {
    const { server, client, ids, edit } = setUp();
    const deleted = edit((doc) => firstText(clauseElement(doc, 2)).delete(0, 10));
    Y.applyUpdate(server, Y.encodeStateAsUpdate(client));
    expect(clausesTouchedBy(server, deleted).size).toBe(0);
    const typed = edit((doc) => firstText(clauseElement(doc, 0)).insert(0, 'Further, '));
    expect([...clausesTouchedBy(server, typed)]).toEqual([ids[0]]);
  });
});
