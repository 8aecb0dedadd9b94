import type { VersionSummary } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { connectWellBehaved } from '../support/ownPresence';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { convertWithLibreOffice, docxPart, hasLibreOffice } from '../support/verifyDocx';
import { expectStatus, type VersionsApi, versionsAs } from '../support/versionsApi';
import { clauseElement, clauseIdsOf, storedWith } from '../support/versionsDoc';

interface TrackedChange {
  kind: 'ins' | 'del';
  id: string;
  author: string;
  date: string;
  text: string;
}

/** Every `w:ins` / `w:del` around runs in the body, with its attributes and the text it holds. */
function trackedChanges(documentXml: string): TrackedChange[] {
  const pattern = /<w:(ins|del) w:id="(\d+)" w:author="([^"]*)" w:date="([^"]*)">([\s\S]*?)<\/w:\1>/g;
  return [...documentXml.matchAll(pattern)].map((match) => ({
    kind: match[1] as 'ins' | 'del',
    id: match[2] ?? '',
    author: match[3] ?? '',
    date: match[4] ?? '',
    text: [...(match[5] ?? '').matchAll(/<w:(?:t|delText)(?:\s[^>]*)?>([^<]*)<\/w:(?:t|delText)>/g)]
      .map((piece) => piece[1])
      .join(''),
  }));
}

/** The first text node of a clause, to edit as a delegate's editor would. */
function clauseText(doc: Y.Doc, clauseId: string): Y.XmlText {
  return (clauseElement(doc, clauseId).get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

describe('the comparison DOCX as Word tracked changes (compare.docx?form=tracked)', () => {
  let server: TestServer;
  let pen: VersionsApi;
  let rev1: VersionSummary;
  let rev2: VersionSummary;
  let editedAt: { from: number; to: number };

  beforeAll(async () => {
    server = await startTestServer();
    pen = await versionsAs(server, DEMO.penHolder);
    const [seeded] = expectStatus(await pen.list(), 200);
    if (!seeded) throw new Error('no seeded version');
    rev1 = seeded;
    const hu = await connectWellBehaved(
      server.wsUrl,
      server.actionPlanId(),
      (await server.signIn(DEMO.hungarianDrafter)).cookie,
    );
    const cz = await connectWellBehaved(
      server.wsUrl,
      server.actionPlanId(),
      (await server.signIn(DEMO.czechDrafter)).cookie,
    );
    try {
      const ids = clauseIdsOf(hu.doc);
      const from = Date.now();
      const returnId = ids.find((id) => clauseText(hu.doc, id).toString().includes(' over forced return'));
      const returnClause = clauseText(hu.doc, returnId ?? '');
      const over = returnClause.toString().indexOf(' over forced return');
      returnClause.delete(over, ' over forced return'.length);
      returnClause.insert(returnClause.length, ' Hungarian amendment.');
      await storedWith(server, 'Hungarian amendment.');
      clauseText(cz.doc, ids[0] ?? '').insert(0, 'Czech opening: ');
      await storedWith(server, 'Czech opening: ');
      editedAt = { from, to: Date.now() };
    } finally {
      hu.destroy();
      cz.destroy();
    }
    rev2 = await pen.saveOk('Rev. 2 — after Budapest');
  });
  afterAll(() => server.dispose());

  it('writes each insertion as w:ins and each deletion as w:del, by the editing delegation, dated when it edited', async () => {
    const download = await pen.redline({ from: rev1.id, to: rev2.id, changedOnly: '1', form: 'tracked' });
    expect(download.status).toBe(200);
    const body = docxPart(download.bytes, 'word/document.xml');
    const changes = trackedChanges(body);
    const hungarian = changes.filter((change) => change.author === 'Hungary (HU)');
    expect(hungarian.filter((change) => change.kind === 'del').map((change) => change.text)).toEqual([
      ' over forced return',
    ]);
    // The word diff cuts at word boundaries: "IOM." + " Hungarian amendment." inserts ". Hungarian amendment".
    expect(hungarian.filter((change) => change.kind === 'ins').map((change) => change.text)).toEqual([
      '. Hungarian amendment',
    ]);
    const czech = changes.filter((change) => change.author === 'Czech Republic (CZ)');
    expect(czech.map((change) => [change.kind, change.text])).toEqual([['ins', 'Czech opening: ']]);
    expect(changes.filter((change) => !change.author.endsWith(')'))).toEqual([]);
    for (const change of [...hungarian, ...czech]) {
      const when = Date.parse(change.date);
      expect(when).toBeGreaterThanOrEqual(editedAt.from - 1000);
      expect(when).toBeLessThanOrEqual(editedAt.to + 1000);
    }
    // Revision ids are unique; deleted text is w:delText, never plain text; no underline or strike marks.
    expect(new Set(changes.map((change) => change.id)).size).toBe(changes.length);
    expect(body).toContain('<w:delText xml:space="preserve"> over forced return</w:delText>');
    expect(body).not.toMatch(/<w:strike\/>|<w:u w:val="single"/);
    expect(body).toContain('tracked changes: accept or reject them under Review');
  });

  it('keeps the formatted redline (underline and strike-through) as the default and on request', async () => {
    for (const query of [{}, { form: 'formatted' }] as Record<string, string>[]) {
      const download = await pen.redline({ from: rev1.id, to: rev2.id, changedOnly: '1', ...query });
      const body = docxPart(download.bytes, 'word/document.xml');
      expect(trackedChanges(body)).toEqual([]);
      expect(body).toMatch(/<w:strike\/>/);
      expect(body).toMatch(/<w:u w:val="single"/);
    }
    expect((await pen.redline({ from: rev1.id, to: rev2.id, form: 'word' })).status).toBe(400);
  });

  it.skipIf(!hasLibreOffice())(
    'is read by LibreOffice as tracked changes (text:changed-region), with the delegations as authors',
    async () => {
      const tracked = await pen.redline({ from: rev1.id, to: rev2.id, changedOnly: '1', form: 'tracked' });
      const flat = convertWithLibreOffice(tracked.bytes, 'docx', 'fodt').toString('utf8');
      expect(flat).toContain('<text:tracked-changes');
      const regions = flat.match(/<text:changed-region[\s\S]*?<\/text:changed-region>/g) ?? [];
      const kinds = regions.map((region) => /<text:(insertion|deletion)>/.exec(region)?.[1]);
      expect(kinds).toContain('insertion');
      expect(kinds).toContain('deletion');
      expect(flat).toContain('<dc:creator>Hungary (HU)</dc:creator>');
      expect(flat).toContain('<dc:creator>Czech Republic (CZ)</dc:creator>');
      expect(flat).toContain(' over forced return');

      const formatted = await pen.redline({ from: rev1.id, to: rev2.id, changedOnly: '1' });
      expect(convertWithLibreOffice(formatted.bytes, 'docx', 'fodt').toString('utf8')).not.toContain(
        '<text:changed-region',
      );
    },
    240_000,
  );
});
