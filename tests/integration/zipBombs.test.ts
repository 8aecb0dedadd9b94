import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { expectStatus, type VersionsApi, versionsAs } from '../support/versionsApi';
import { buildZip, type LocalPart, zerosBomb } from '../support/zipBombs';

const MIB = 1024 * 1024;
const FOOTER = 'word/footer1.xml';

/** Samples the process's resident memory every few milliseconds while `work` runs; returns its peak growth. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakGrowthMib: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 2);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakGrowthMib: (peak - baseline) / MIB };
  } finally {
    clearInterval(sampler);
  }
}

interface Refusal {
  status: number;
  message: string;
  ms: number;
  peakGrowthMib: number;
  healthMs: number;
}

describe('zip bombs on POST /api/verify/docx', () => {
  let server: TestServer;
  let observer: VersionsApi;
  const figures: Record<string, Refusal> = {};

  beforeAll(async () => {
    server = await startTestServer();
    observer = await versionsAs(server, DEMO.observer);
  });
  afterAll(async () => {
    process.stdout.write(`zip bomb figures (in-process server): ${JSON.stringify(figures, null, 1)}\n`);
    await server.dispose();
  });

  /** Uploads `bytes`, asking /healthz while the server reads it; the answer, how long it took and the memory it cost. */
  async function upload(label: string, bytes: Buffer): Promise<Refusal> {
    const started = performance.now();
    const { result, peakGrowthMib } = await withPeakRss(async () => {
      const answer = observer.verifyDocx(bytes);
      const healthStarted = performance.now();
      const health = await fetch(`${server.url}/healthz`);
      const healthMs = performance.now() - healthStarted;
      expect(health.status).toBe(200);
      return { answer: await answer, healthMs };
    });
    const body = result.answer.body as unknown as { message?: string };
    const refusal = {
      status: result.answer.status,
      message: body.message ?? '',
      ms: Math.round(performance.now() - started),
      peakGrowthMib: Math.round(peakGrowthMib),
      healthMs: Math.round(result.healthMs),
    };
    figures[label] = refusal;
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    return refusal;
  }

  it('refuses a ~10 MB classic bomb (one entry of ~10 GB of zeros, its size declared truthfully as ZIP64) with 413', async () => {
    const bomb = zerosBomb(9.5 * MIB);
    const file = buildZip([
      { name: FOOTER, method: 8, data: bomb.data, uncompressedSize: bomb.inflatedBytes },
    ]);
    expect(file.length).toBeGreaterThan(9 * MIB);
    expect(bomb.inflatedBytes).toBeGreaterThan(9e9);
    const refusal = await upload('classic 10 MB → 9.6 GB', file);
    expect(refusal).toMatchObject({
      status: 413,
      message: expect.stringMatching(/would unpack to more than 16 MiB/),
    });
    expect(refusal.ms).toBeLessThan(2000);
    expect(refusal.peakGrowthMib).toBeLessThan(150);
  });

  it('refuses the same bomb declaring 1 KiB with 422, having inflated no more than it declared', async () => {
    const bomb = zerosBomb(9.5 * MIB);
    const file = buildZip([{ name: FOOTER, method: 8, data: bomb.data, uncompressedSize: 1024 }]);
    const refusal = await upload('classic, declaring 1 KiB', file);
    expect(refusal).toMatchObject({
      status: 422,
      message: expect.stringMatching(/not the size it declares/),
    });
    expect(refusal.ms).toBeLessThan(2000);
    expect(refusal.peakGrowthMib).toBeLessThan(150);
  });

  it('refuses a ~320 KB file whose 30 directory entries all point to one 320 MiB stream with 422', async () => {
    const bomb = zerosBomb(300 * 1024);
    const stream: LocalPart = {
      name: FOOTER,
      method: 8,
      data: bomb.data,
      uncompressedSize: bomb.inflatedBytes,
    };
    const centrals = Array.from({ length: 30 }, (_, index) => ({
      local: 0,
      name: `word/footer${index + 1}.xml`,
    }));
    const file = buildZip([stream], centrals);
    expect(file.length).toBeLessThan(400 * 1024);
    const refusal = await upload('30 overlapping entries → 30 × 320 MiB', file);
    expect(refusal).toMatchObject({ status: 422, message: expect.stringMatching(/overlap/) });
    expect(refusal.ms).toBeLessThan(2000);
  });

  it('refuses the overlapping bomb when its entries declare 1 MiB each (the overlap, not the sizes, gives it away)', async () => {
    const bomb = zerosBomb(300 * 1024);
    const stream: LocalPart = { name: FOOTER, method: 8, data: bomb.data, uncompressedSize: MIB };
    const centrals = Array.from({ length: 30 }, (_, index) => ({
      local: 0,
      name: `word/footer${index + 1}.xml`,
    }));
    const refusal = await upload('30 overlapping entries declaring 1 MiB', buildZip([stream], centrals));
    expect(refusal).toMatchObject({ status: 422, message: expect.stringMatching(/overlap/) });
  });

  it('refuses 5,000 entries with 413 before reading them', async () => {
    const empty = (index: number): LocalPart => ({
      name: `word/media/${index}.xml`,
      method: 0,
      data: new Uint8Array(0),
      uncompressedSize: 0,
    });
    const refusal = await upload(
      '5,000 empty entries',
      buildZip(Array.from({ length: 5000 }, (_, i) => empty(i))),
    );
    expect(refusal).toMatchObject({ status: 413, message: expect.stringMatching(/more than 1000 parts/) });
  });

  it('refuses an entry declaring 15 MiB from 15 KB (a ratio of 1,000) with 422 before inflating it', async () => {
    const bomb = zerosBomb(1);
    const file = buildZip([
      { name: FOOTER, method: 8, data: bomb.data.subarray(0, 15 * 1024), uncompressedSize: 15 * MIB },
    ]);
    const refusal = await upload('ratio 1,000 declared', file);
    expect(refusal).toMatchObject({
      status: 422,
      message: expect.stringMatching(/expands more than 200 times/),
    });
  });

  it('still names the version of a genuine exported DOCX, and answers a damaged one without a fingerprint', async () => {
    const [rev1] = expectStatus(await observer.list(), 200);
    if (!rev1) throw new Error('no seeded version');
    const download = await observer.exportVersion(rev1.id);
    const verified = expectStatus(await observer.verifyDocx(download.bytes), 200);
    expect(verified.fingerprint).toBe(rev1.fingerprint);
    expect(verified.matches.map((match) => match.id)).toEqual([rev1.id]);
    const truncated = download.bytes.subarray(0, download.bytes.length - 30);
    expect(expectStatus(await observer.verifyDocx(truncated), 200)).toMatchObject({
      outcome: 'unknown',
      fingerprint: null,
      textFingerprint: null,
      matches: [],
    });
  });
});
