/**
 * Forged DOCX files built from a genuine export — the genuine clause text kept
 * but hidden (`<w:vanish/>`) or marked as a tracked revision, the forged text
 * shown as symbols or deleted text — are never confirmed; characters XML 1.0
 * does not allow are refused at input (400).
 */
import type { VersionSummary } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOREIGN_CONTENT_REASON } from '../../server/src/verify/verification';
import { storedPassage } from '../support/bracketPassages';
import { apiAs } from '../support/negotiationApi';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { DOCUMENT_PART, docxPart, editDocx } from '../support/verifyDocx';
import { DOCX_TYPE, expectStatus, type VersionsApi, versionsAs } from '../support/versionsApi';

const GENUINE_TEXT =
  'Give priority to voluntary return over forced return, and develop assisted voluntary return programmes in cooperation with IOM.';
const GENUINE = `<w:r><w:t xml:space="preserve">${GENUINE_TEXT}</w:t></w:r>`;
const FORGED = GENUINE_TEXT.replace(
  'voluntary return over forced return',
  'forced return over voluntary return',
);
const HIDDEN = '<w:rPr><w:vanish/></w:rPr>';
const REVISION = 'w:author="X" w:date="2026-01-01T00:00:00Z"';
const symbols = [...FORGED]
  .map((c) => `<w:sym w:font="Calibri" w:char="${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}"/>`)
  .join('');

/** The forgeries, each reading as the genuine text to a reader that ignores what hides or adds text. */
const FORGERIES: Record<string, (xml: string) => string> = {
  'hidden genuine text, forged text in a tracked deletion': (xml) =>
    xml.replace(
      GENUINE,
      `<w:r>${HIDDEN}<w:t xml:space="preserve">${GENUINE_TEXT}</w:t></w:r><w:del w:id="901" ${REVISION}><w:r><w:delText xml:space="preserve">${FORGED}</w:delText></w:r></w:del>`,
    ),
  'hidden genuine text, forged text as symbols': (xml) =>
    xml.replace(
      GENUINE,
      `<w:r>${HIDDEN}<w:t xml:space="preserve">${GENUINE_TEXT}</w:t></w:r><w:r>${symbols}</w:r>`,
    ),
  'genuine text as a tracked insertion, forged text as a tracked deletion': (xml) =>
    xml.replace(
      GENUINE,
      `<w:ins w:id="900" ${REVISION}>${GENUINE}</w:ins><w:del w:id="901" ${REVISION}><w:r><w:delText xml:space="preserve">${FORGED}</w:delText></w:r></w:del>`,
    ),
  'forged text in a field result': (xml) =>
    xml.replace(
      GENUINE,
      `${GENUINE}<w:fldSimple w:instr=" QUOTE x "><w:r><w:t>${FORGED}</w:t></w:r></w:fldSimple>`,
    ),
};

async function publicVerify(server: TestServer, body: Uint8Array) {
  const response = await fetch(`${server.url}/api/public/verify`, {
    method: 'POST',
    headers: { 'content-type': DOCX_TYPE },
    body: new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('forged DOCX files and characters XML cannot hold', () => {
  let server: TestServer;
  let pen: VersionsApi;
  let rev1: VersionSummary;
  let rev1Docx: Uint8Array;

  beforeAll(async () => {
    server = await startTestServer({ publicVerifyPerMinute: 1000 });
    pen = await versionsAs(server, DEMO.penHolder);
    const [seeded] = expectStatus(await pen.list(), 200);
    if (!seeded) throw new Error('no seeded version');
    rev1 = seeded;
    rev1Docx = (await pen.exportVersion(rev1.id)).bytes;
  });
  afterAll(() => server.dispose());

  it('confirms the genuine export, publicly and signed in', async () => {
    expect(rev1Docx.length).toBeGreaterThan(0);
    expect((await publicVerify(server, rev1Docx)).body).toMatchObject({ match: true });
    expect(expectStatus(await pen.verifyDocx(rev1Docx), 200).outcome).toBe('match');
  });

  for (const [name, forge] of Object.entries(FORGERIES)) {
    it(`never confirms a forgery: ${name}`, async () => {
      const forged = editDocx(rev1Docx, DOCUMENT_PART, forge);
      expect(await publicVerify(server, forged)).toEqual({ status: 200, body: { match: false } });
      const verdict = expectStatus(await pen.verifyDocx(forged), 200);
      expect(verdict.outcome).not.toBe('match');
      expect(verdict.matches).toEqual([]);
      expect(verdict.reason).toBe(FOREIGN_CONTENT_REASON);
    });
  }

  it('never confirms a file whose styles hide text', async () => {
    const forged = editDocx(rev1Docx, /^word\/styles\.xml$/, (xml) =>
      xml.replace(/<w:rPrDefault>\s*<w:rPr>/, '$&<w:vanish/>'),
    );
    expect(await publicVerify(server, forged)).toEqual({ status: 200, body: { match: false } });
    expect(expectStatus(await pen.verifyDocx(forged), 200).outcome).not.toBe('match');
  });

  it('refuses a bracket alternative with U+FFFF with 400, and the export stays readable', async () => {
    const hu = await apiAs(server, DEMO.hungarianDrafter);
    const ua = await apiAs(server, DEMO.commenter);
    const clauseId = expectStatus(await pen.get(rev1.id), 200).structure.sections[0]?.clauses[0]?.id ?? '';
    const input = storedPassage(server, clauseId);
    const { id } = input;
    const forbidden = { ...input, alternatives: [...input.alternatives, 'x\uFFFF'] };
    expect((await hu.newBracket(forbidden)).status).toBe(400);
    expectStatus(await hu.newBracket({ ...input, alternatives: [...input.alternatives, 'fine'] }), 201);
    const refused = await ua.addAlternative(id, 'forced\uFFFF return');
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('U+FFFF');
    expectStatus(await ua.addAlternative(id, 'forced return'), 201);
    expect((await pen.save({ label: 'Rev.\uFFFE 3' })).status).toBe(400);
  });
});

describe('a genuine export with another alternative or status note', () => {
  let server: TestServer;
  let pen: VersionsApi;
  let rev2: VersionSummary;
  let rev2Docx: Uint8Array;

  beforeAll(async () => {
    server = await startTestServer({ publicVerifyPerMinute: 1000, seedDemoNegotiation: true });
    pen = await versionsAs(server, DEMO.penHolder);
    const [seeded] = expectStatus(await pen.list(), 200);
    const clauseId = expectStatus(await pen.get(seeded?.id ?? ''), 200).structure.sections[0]?.clauses[0]?.id;
    const negotiation = await apiAs(server, DEMO.penHolder);
    expectStatus(await negotiation.setStatus(clauseId ?? '', 'agreed-ad-referendum'), 200);
    rev2 = await pen.saveOk('Rev. 2');
    rev2Docx = (await pen.exportVersion(rev2.id)).bytes;
  });
  afterAll(() => server.dispose());

  /** Public and signed in: not confirmed, the signed-in verdict saying why. */
  async function expectNotConfirmed(forged: Uint8Array) {
    expect(await publicVerify(server, forged)).toEqual({ status: 200, body: { match: false } });
    const verdict = expectStatus(await pen.verifyDocx(forged), 200);
    expect(verdict.outcome).not.toBe('match');
    expect(verdict.matches).toEqual([]);
    expect(verdict.textFingerprint).toBe(rev2.fingerprint);
    // Rev. 1 has the same text (without the status), so either may be named.
    expect(verdict.reason).toMatch(
      /^Its bracket alternatives or status notes differ from Rev\. [12]\b.*’s\.$/,
    );
  }

  it('confirms the genuine export, with its alternatives and status note', async () => {
    const xml = docxPart(rev2Docx, 'word/document.xml');
    expect(xml).toContain('[Agreed ad referendum] ');
    expect(xml).toContain('<w:footnoteReference');
    expect((await publicVerify(server, rev2Docx)).body).toMatchObject({ match: true });
    expect(expectStatus(await pen.verifyDocx(rev2Docx), 200).outcome).toBe('match');
  });

  it('never confirms an added alternative wording', async () => {
    const forged = editDocx(rev2Docx, DOCUMENT_PART, (xml) =>
      xml.replace(
        /<w:footnoteReference w:id="(\d+)"\/><\/w:r>/,
        (reference, id: string) =>
          `${reference}<w:r><w:t xml:space="preserve"> / NOT agreed</w:t></w:r><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="${id}"/></w:r>`,
      ),
    );
    await expectNotConfirmed(forged);
  });

  it('never confirms a changed status note', async () => {
    const forged = editDocx(rev2Docx, DOCUMENT_PART, (xml) =>
      xml.replace('[Agreed ad referendum] ', '[Agreed] '),
    );
    await expectNotConfirmed(forged);
  });
});
