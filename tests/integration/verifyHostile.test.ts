/**
 * Hostile uploads to the two verify routes, on a real server (port 0):
 * tiny files whose XML never closes its tags (the regexes this replaced took
 * quadratic time: a 478-byte upload blocked every request for 1.7 s), many
 * small parts that unpack to far more than the file, a part listed twice,
 * more uploads than the server verifies at once, and a user asking too often.
 */
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { DOCUMENT_PART, editDocx } from '../support/verifyDocx';
import { expectStatus, type VersionsApi, versionsAs } from '../support/versionsApi';
import { buildZip } from '../support/zipBombs';

const MIB = 1024 * 1024;

/** A DOCX whose `word/document.xml` is `xml`, deflated. */
function docxOf(xml: string): Buffer {
  const data = Buffer.from(xml);
  return buildZip([
    {
      name: 'word/document.xml',
      method: 8,
      data: deflateRawSync(data, { level: 9 }),
      uncompressedSize: data.length,
    },
  ]);
}

const body = (inner: string) => `<w:document><w:body>${inner}</w:body></w:document>`;

async function publicVerify(
  server: TestServer,
  bytes: Uint8Array,
): Promise<{ status: number; ms: number; response: Response }> {
  const started = performance.now();
  const response = await fetch(`${server.url}/api/public/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started, response };
}

describe('verification of hostile DOCX files', () => {
  let server: TestServer;
  let observer: VersionsApi;
  let genuine: Buffer;

  beforeAll(async () => {
    server = await startTestServer({ publicVerifyPerMinute: 1000, verifyPerMinute: 1000 });
    observer = await versionsAs(server, DEMO.observer);
    const [rev1] = expectStatus(await observer.list(), 200);
    if (!rev1) throw new Error('no seeded version');
    genuine = (await observer.exportVersion(rev1.id)).bytes;
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('answers never-closed <w:p>, <w:r> and <w:del> tags (64,000 of them, under 1 KiB uploaded) as fast as a genuine file, public or signed in', async () => {
    const benign = await publicVerify(server, genuine);
    expect(benign.status).toBe(200);
    const hostile = {
      paragraphs: body('<w:p>'.repeat(64_000)),
      runs: body(`<w:p>${'<w:r>'.repeat(64_000)}</w:p>`),
      deletions: body(`<w:p>${'<w:del>'.repeat(64_000)}</w:p>`),
    };
    for (const [name, xml] of Object.entries(hostile)) {
      const file = docxOf(xml);
      expect(file.length).toBeLessThan(1024);
      const answer = await publicVerify(server, file);
      // Refused as implausible (nesting past MAX_VERIFY_XML_DEPTH), in about the time a genuine file takes.
      expect({ name, status: answer.status }).toEqual({ name, status: 422 });
      expect(answer.ms, name).toBeLessThan(10 * benign.ms + 250);
      const signedIn = await observer.verifyDocx(file);
      expect(signedIn.status).toBe(422);
    }
  });

  it('refuses more paragraphs than MAX_VERIFY_PARAGRAPHS with 413, in linear time', async () => {
    const answer = await publicVerify(server, docxOf(body('<w:p/>'.repeat(20_001))));
    expect(answer.status).toBe(413);
  });

  it('reads a document whose XML is cut short as no document (not a match), without blocking', async () => {
    const file = docxOf(`${body('<w:p><w:r><w:t>text</w:t></w:r></w:p>'.repeat(1000)).slice(0, -30)}`);
    const answer = expectStatus(await observer.verifyDocx(file), 200);
    expect(answer).toMatchObject({ outcome: 'unknown', textFingerprint: null });
  });

  it('refuses 63 footers of 1 MiB each in a 70 KiB file (each under the per-part ratio floor) with 422', async () => {
    const part = deflateRawSync(Buffer.alloc(MIB, 0x41), { level: 9 });
    const footers = Array.from({ length: 63 }, (_, index) => ({
      name: `word/footer${index + 1}.xml`,
      method: 8 as const,
      data: part,
      uncompressedSize: MIB,
    }));
    const file = buildZip(footers);
    expect(file.length).toBeLessThan(80 * 1024);
    const answer = await observer.verifyDocx(file);
    expect(answer.status).toBe(422);
    expect((answer.body as unknown as { message: string }).message).toMatch(
      /parts together expand more than 200 times/,
    );
  });

  it('refuses an archive with two parts named word/document.xml (which one is the text?) with 422', async () => {
    const first = Buffer.from(body('<w:p><w:r><w:t>FIRST</w:t></w:r></w:p>'));
    const second = Buffer.from(body('<w:p><w:r><w:t>SECOND</w:t></w:r></w:p>'));
    const file = buildZip([
      { name: 'word/document.xml', method: 0, data: first, uncompressedSize: first.length },
      { name: 'word/document.xml', method: 0, data: second, uncompressedSize: second.length },
    ]);
    const answer = await observer.verifyDocx(file);
    expect(answer.status).toBe(422);
    expect((answer.body as unknown as { message: string }).message).toMatch(
      /two parts named word\/document\.xml/,
    );
  });

  it('compares a received file with one clause of 200,000 words (391 KiB) instead of failing with 500', async () => {
    const words = ' word'.repeat(200_000);
    const clause = 'Strengthen the exchange of information';
    const file = editDocx(genuine, DOCUMENT_PART, (xml) => {
      expect(xml).toContain(clause);
      return xml.replace(clause, `Strengthen${words} the exchange of information`);
    });
    const answer = await observer.verifyDocx(file);
    expect(answer.status).toBe(200);
    expect(answer.body.outcome).toBe('differs');
  });
});

describe('verification slots and the per-user rate', () => {
  let server: TestServer;
  let genuine: Buffer;

  beforeAll(async () => {
    server = await startTestServer({ verifyConcurrency: 1, verifyPerMinute: 2 });
    const observer = await versionsAs(server, DEMO.observer);
    const [rev1] = expectStatus(await observer.list(), 200);
    if (!rev1) throw new Error('no seeded version');
    genuine = (await observer.exportVersion(rev1.id)).bytes;
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('answers 503 with Retry-After while every slot (VERIFY_CONCURRENCY) is busy, and verifies again once one is free', async () => {
    const release = server.server.verifySlots.tryAcquire();
    expect(release).toBeDefined();
    try {
      const busy = await publicVerify(server, genuine);
      expect(busy.status).toBe(503);
      expect(Number(busy.response.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      release?.();
    }
    expect((await publicVerify(server, genuine)).status).toBe(200);
    expect(server.server.verifySlots.inUse).toBe(0);
  });

  it('limits POST /api/verify/docx per signed-in user (VERIFY_PER_MINUTE): 429 past it, others unaffected', async () => {
    const pen = await versionsAs(server, DEMO.penHolder);
    expect((await pen.verifyDocx(genuine)).status).toBe(200);
    expect((await pen.verifyDocx(genuine)).status).toBe(200);
    const limited = await pen.verifyDocx(genuine);
    expect(limited.status).toBe(429);
    expect((limited.body as unknown as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    const commenter = await versionsAs(server, DEMO.commenter);
    expect((await commenter.verifyDocx(genuine)).status).toBe(200);
  });
});
