/**
 * A compilation of many long amendments does not stall the server (adversarial
 * review): the word redlines it needs are computed one at a time with the event
 * loop given back between them, and a second request reuses them. Measured by
 * behaviour, not time: other requests keep being answered while the DOCX is
 * being built.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amendmentScene } from '../support/amendmentsApi';
import { documentXmlOf, paragraphTexts } from '../support/compilationDocx';
import { startTestServer, type TestServer } from '../support/testServer';
import { seededRandom } from '../support/tokenTypist';

const AMENDMENTS = 40;

/** About 12,000 characters of words no other text shares in order. */
function longText(seed: number): string {
  const random = seededRandom(seed);
  return Array.from({ length: 2_000 }, () => Math.floor(random() * 1e6).toString(36)).join(' ');
}

describe('a compilation of many long amendments', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('keeps answering other requests while its DOCX is built, and holds every amendment', async () => {
    const base = longText(1);
    const scene = await amendmentScene(server, [base]);
    try {
      for (let i = 0; i < AMENDMENTS; i++) {
        const tabled = await scene.ua.table({
          kind: 'modify',
          clauseId: scene.clauseIds[0],
          baseText: base,
          proposedText: longText(100 + i),
          justification: `Rewrite ${i + 1}.`,
        });
        expect(tabled.status).toBe(201);
      }
      const cookie = scene.ua.who.cookie;
      const url = `${server.url}/api/documents/${scene.documentId}/amendments/compilation.docx`;
      let done = false;
      const docx = fetch(url, { headers: { cookie } }).then(async (response) => {
        done = true;
        expect(response.status).toBe(200);
        return new Uint8Array(await response.arrayBuffer());
      });
      // While it is built, health checks keep being answered (a blocked event loop answers none).
      let answeredMeanwhile = 0;
      while (!done) {
        const health = await fetch(`${server.url}/healthz`);
        expect(health.status).toBe(200);
        if (!done) answeredMeanwhile++;
      }
      const paragraphs = paragraphTexts(documentXmlOf(await docx));
      for (let i = 1; i <= AMENDMENTS; i++) expect(paragraphs).toContain(`AM ${i}  Change wording`);
      expect(answeredMeanwhile).toBeGreaterThanOrEqual(AMENDMENTS / 2);
    } finally {
      scene.drafter.destroy();
    }
  });
});
