import type { PublicVerification, VersionSummary } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { DOCUMENT_PART, editDocx, FOOTER_PARTS } from '../support/verifyDocx';
import { DOCX_TYPE, expectStatus, fetchAcrossRestarts, versionsAs } from '../support/versionsApi';
import { buildZip, zerosBomb } from '../support/zipBombs';

/** `POST /api/public/verify` without any cookie, from `address` (the loopback proxy forwards it). */
async function publicVerify(server: TestServer, body: Uint8Array, address = '203.0.113.7') {
  const response = await fetchAcrossRestarts(`${server.url}/api/public/verify`, {
    method: 'POST',
    headers: { 'content-type': DOCX_TYPE, 'x-forwarded-for': address },
    body: new Uint8Array(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
}

describe('public verification, without an account (POST /api/public/verify)', () => {
  let server: TestServer;
  let rev1: VersionSummary;
  let rev1Docx: Buffer;

  beforeAll(async () => {
    server = await startTestServer({ publicVerifyPerMinute: 5 });
    const pen = await versionsAs(server, DEMO.penHolder);
    const [seeded] = expectStatus(await pen.list(), 200);
    if (!seeded) throw new Error('no seeded version');
    rev1 = seeded;
    rev1Docx = (await pen.exportVersion(rev1.id)).bytes;
  });
  afterAll(() => server.dispose());

  it('names title, version label and date of an exact match, and nothing else', async () => {
    const answer = await publicVerify(server, rev1Docx, '203.0.113.1');
    expect(answer.status).toBe(200);
    const expected: PublicVerification = {
      match: true,
      versions: [{ title: 'Action Plan 2012–2016', versionLabel: rev1.label, date: rev1.createdAt }],
    };
    expect(answer.body).toEqual(expected);
    expect(await (await fetch(`${server.url}/api/public/verify`)).json()).toEqual({ enabled: true });
  });

  it('reveals nothing for edited text, an edited footer, a missing footer or a file that is no DOCX', async () => {
    const editedText = editDocx(rev1Docx, DOCUMENT_PART, (xml) =>
      xml.replace('voluntary return over forced return', 'forced return over voluntary return'),
    );
    const editedFooter = editDocx(rev1Docx, FOOTER_PARTS, (xml) =>
      xml.replace(rev1.fingerprint, 'f'.repeat(64)),
    );
    const noFooter = editDocx(rev1Docx, FOOTER_PARTS, (xml) => xml.replace(rev1.fingerprint, ''));
    const notDocx = Buffer.from('%PDF-1.7 not a DOCX');
    for (const file of [editedText, editedFooter, noFooter, notDocx]) {
      const answer = await publicVerify(server, file, '203.0.113.2');
      expect(answer).toMatchObject({ status: 200, body: { match: false } });
      expect(Object.keys(answer.body as object)).toEqual(['match']);
    }
  });

  it('applies the upload limits: a zip bomb is refused before it is unpacked', async () => {
    const bomb = zerosBomb(200 * 1024);
    const file = buildZip([
      { name: 'word/document.xml', method: 8, data: bomb.data, uncompressedSize: bomb.inflatedBytes },
    ]);
    const answer = await publicVerify(server, file, '203.0.113.3');
    expect(answer.status).toBe(413);
    expect(JSON.stringify(answer.body)).not.toContain('Action Plan');
  });

  it('limits each client address per minute (429 with Retry-After), other addresses unaffected', async () => {
    const address = '198.51.100.9';
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await publicVerify(server, rev1Docx, address)).status).toBe(200);
    }
    const limited = await publicVerify(server, rev1Docx, address);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await publicVerify(server, rev1Docx, '198.51.100.10')).status).toBe(200);
  });

  it('is off with PUBLIC_VERIFY=0: 404, and the page is told so', async () => {
    const port = server.server.port;
    await server.server.stop();
    await server.start({ port, publicVerify: false });
    const answer = await publicVerify(server, rev1Docx, '203.0.113.4');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ message: 'Public verification is turned off on this server.' });
    expect(await (await fetchAcrossRestarts(`${server.url}/api/public/verify`, {})).json()).toEqual({
      enabled: false,
    });
  });
});
