import type { VersionSummary } from '@draftroom/shared';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paragraphTexts } from '../../server/src/export/docxFingerprint';
import type { CollabClient } from '../support/collabClient';
import { createSecondDocument, signInOutsider } from '../support/negotiationApi';
import { connectWellBehaved } from '../support/ownPresence';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { DOCX_TYPE, type Download, expectStatus, VersionsApi, versionsAs } from '../support/versionsApi';
import { appendToClause, clauseIdsOf, storedWith } from '../support/versionsDoc';

/** The text of a DOCX part, paragraph by paragraph. */
function partText(docx: Uint8Array, part: string): string {
  const entry = unzipSync(docx)[part];
  if (!entry) throw new Error(`no ${part}`);
  return paragraphTexts(strFromU8(entry)).join('\n');
}

/** The footer parts' text. */
function footerText(docx: Uint8Array): string {
  const files = unzipSync(docx);
  return Object.keys(files)
    .filter((name) => /^word\/footer\d*\.xml$/.test(name))
    .map((name) => partText(docx, name))
    .join('\n');
}

/** The same archive with `replace` applied to every footer part. */
function withFooters(docx: Uint8Array, replace: (xml: string) => string): Uint8Array {
  const files = unzipSync(docx);
  for (const name of Object.keys(files)) {
    const entry = files[name];
    if (entry && /^word\/footer\d*\.xml$/.test(name)) files[name] = strToU8(replace(strFromU8(entry)));
  }
  return zipSync(files);
}

function expectDocx(download: Download, fileName: string): void {
  expect(download.status).toBe(200);
  expect(download.contentType).toBe(DOCX_TYPE);
  expect(download.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  expect(download.disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; /);
  expect(download.disposition).toContain(`filename*=UTF-8''${encodeURIComponent(fileName)}`);
}

describe('DOCX export and verification', () => {
  let server: TestServer;
  let pen: VersionsApi;
  let observer: VersionsApi;
  let client: CollabClient;
  let rev1: VersionSummary;
  let rev2: VersionSummary;
  let rev1Docx: Buffer;
  let ids: string[];

  beforeAll(async () => {
    server = await startTestServer();
    pen = await versionsAs(server, DEMO.penHolder);
    observer = await versionsAs(server, DEMO.observer);
    const [seeded] = expectStatus(await pen.list(), 200);
    if (!seeded) throw new Error('no seeded version');
    rev1 = seeded;
    client = await connectWellBehaved(server.wsUrl, server.actionPlanId(), pen.who.cookie);
    ids = clauseIdsOf(client.doc);
    appendToClause(client.doc, ids[0] ?? '', ' [amended in Kiev]');
    await storedWith(server, '[amended in Kiev]');
    rev2 = await pen.saveOk('Rev. 2 — after Kiev');
  });
  afterAll(async () => {
    client.destroy();
    await server.dispose();
  });

  it('downloads a version as a DOCX named after the document and the version, with its fingerprint in the footer', async () => {
    const download = await observer.exportVersion(rev1.id);
    expectDocx(download, 'Action Plan 2012–2016 — Rev. 1 — for the Budapest SOM.docx');
    rev1Docx = download.bytes;
    expect(footerText(rev1Docx)).toContain(`SHA-256: ${rev1.fingerprint}`);
    const body = partText(rev1Docx, 'word/document.xml');
    expect(body).toContain('Strengthen the exchange of information and risk analysis');
    expect(body).not.toContain('[amended in Kiev]');
    expect(partText((await observer.exportVersion(rev2.id)).bytes, 'word/document.xml')).toContain(
      '[amended in Kiev]',
    );
  });

  it('names the version of an uploaded DOCX, and of a fingerprint', async () => {
    const verified = expectStatus(await observer.verifyDocx(rev1Docx), 200);
    expect(verified.fingerprint).toBe(rev1.fingerprint);
    expect(verified.matches.map((match) => match.id)).toEqual([rev1.id]);
    expect(verified.matches[0]).toMatchObject({ label: rev1.label, documentId: server.actionPlanId() });

    const byFingerprint = expectStatus(await observer.verifyFingerprint(rev2.fingerprint), 200);
    expect(byFingerprint).toMatchObject({ fingerprint: rev2.fingerprint });
    expect(byFingerprint.matches.map((match) => match.id)).toEqual([rev2.id]);
    const upper = expectStatus(await observer.verifyFingerprint(rev2.fingerprint.toUpperCase()), 200);
    expect(upper.matches.map((match) => match.id)).toEqual([rev2.id]);
    // Two versions of the same text share a fingerprint: both are named.
    const again = await pen.saveOk('Rev. 2 bis');
    const both = expectStatus(await observer.verifyFingerprint(rev2.fingerprint), 200);
    expect(both.matches.map((match) => match.id).sort()).toEqual([rev2.id, again.id].sort());
  });

  it('judges the text, not the footer: a changed footer still reads as its text; a redline or a non-DOCX matches nothing', async () => {
    const flipped = rev1.fingerprint.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    // A changed footer no longer decides: the text is still exactly Rev. 1, and the answer shows both fingerprints.
    const tampered = withFooters(rev1Docx, (xml) => xml.replace(rev1.fingerprint, flipped));
    expect(expectStatus(await observer.verifyDocx(tampered), 200)).toMatchObject({
      outcome: 'match',
      fingerprint: flipped,
      textFingerprint: rev1.fingerprint,
      claimed: [],
    });
    const stripped = withFooters(rev1Docx, (xml) => xml.replace(rev1.fingerprint, ''));
    expect(expectStatus(await observer.verifyDocx(stripped), 200)).toMatchObject({
      outcome: 'match',
      fingerprint: null,
      textFingerprint: rev1.fingerprint,
    });

    const redline = await observer.redline({ from: rev1.id, to: rev2.id });
    expect(redline.status).toBe(200);
    expect(expectStatus(await observer.verifyDocx(redline.bytes), 200)).toMatchObject({
      outcome: 'unknown',
      fingerprint: null,
      matches: [],
    });

    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    expect(expectStatus(await observer.verifyDocx(random), 200)).toMatchObject({
      outcome: 'unknown',
      fingerprint: null,
      textFingerprint: null,
      matches: [],
    });
    expect((await observer.verifyDocx(new Uint8Array(0))).status).toBe(400);
    expect((await observer.verifyDocx(rev1Docx, false)).status).toBe(403);

    expect((await observer.verifyFingerprint('0'.repeat(64))).body).toEqual({
      fingerprint: '0'.repeat(64),
      matches: [],
    });
    expect((await observer.verifyFingerprint('not-a-fingerprint')).status).toBe(400);
    expect((await observer.verifyFingerprint(`${rev1.fingerprint}0`)).status).toBe(400);
  });

  it('names no version to a user who cannot see its document, and does not export it', async () => {
    const outsider = new VersionsApi(server, await signInOutsider(server), server.actionPlanId());
    expect(expectStatus(await outsider.verifyDocx(rev1Docx), 200)).toMatchObject({
      outcome: 'unknown',
      fingerprint: rev1.fingerprint,
      matches: [],
      claimed: [],
      differences: null,
    });
    expect(expectStatus(await outsider.verifyFingerprint(rev2.fingerprint), 200).matches).toEqual([]);
    expect((await outsider.exportVersion(rev1.id)).status).toBe(404);
    expect((await outsider.redline({ from: rev1.id })).status).toBe(404);
    const second = createSecondDocument(server);
    expect((await pen.on(second).exportVersion(rev1.id)).status).toBe(404);
    expect((await pen.exportVersion('no-such-version')).status).toBe(404);
  });

  it('downloads a redline, whole or with the changed clauses only', async () => {
    const whole = await observer.redline({ from: rev1.id, to: rev2.id });
    expectDocx(
      whole,
      'Action Plan 2012–2016 — Rev. 1 — for the Budapest SOM → Rev. 2 — after Kiev (redline).docx',
    );
    const changedOnly = await observer.redline({ from: rev1.id, to: rev2.id, changedOnly: '1' });
    expectDocx(
      changedOnly,
      'Action Plan 2012–2016 — Rev. 1 — for the Budapest SOM → Rev. 2 — after Kiev (redline).docx',
    );

    const unchangedClause = 'Develop joint training for border guards';
    const wholeText = partText(whole.bytes, 'word/document.xml');
    const changedText = partText(changedOnly.bytes, 'word/document.xml');
    expect(wholeText).toContain(unchangedClause);
    expect(wholeText).toContain('[amended in Kiev]');
    expect(changedText).toContain('[amended in Kiev]');
    expect(changedText).not.toContain(unchangedClause);
    expect(footerText(changedOnly.bytes)).toContain(rev1.fingerprint);
    expect(footerText(changedOnly.bytes)).toContain(rev2.fingerprint);

    const toCurrent = await observer.redline({ from: rev1.id, changedOnly: 'true' });
    expectDocx(
      toCurrent,
      'Action Plan 2012–2016 — Rev. 1 — for the Budapest SOM → Current text (redline).docx',
    );
    expect((await observer.redline({ from: rev1.id, changedOnly: 'maybe' })).status).toBe(400);
  });
});
