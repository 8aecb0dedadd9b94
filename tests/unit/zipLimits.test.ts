import { describe, expect, it } from 'vitest';
import {
  checkDeclaredEntries,
  type DeclaredEntry,
  InflateBudget,
  RATIO_EXEMPT_BYTES,
  type ZipLimits,
  ZipRefusal,
} from '../../server/src/export/zipLimits';

const KIB = 1024;
const MIB = 1024 * KIB;
const limits: ZipLimits = { maxEntries: 10, maxEntryBytes: 4 * MIB, maxTotalBytes: 6 * MIB, maxRatio: 200 };

const entry = (name: string, offset: number, compressed: number, uncompressed: number): DeclaredEntry => ({
  name,
  localHeaderOffset: offset,
  compressedSize: compressed,
  uncompressedSize: uncompressed,
});

function refusalOf(work: () => void): { status: number; message: string } | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    if (!(error instanceof ZipRefusal)) throw error;
    return { status: error.status, message: error.message };
  }
}

describe('declared entries', () => {
  it('accepts a plausible directory: adjacent entries, sizes within bounds, tiny parts at any ratio', () => {
    const entries = [entry('a.xml', 0, 100, 50 * KIB), entry('b.xml', 140, 20 * KIB, 3 * MIB)];
    expect(refusalOf(() => checkDeclaredEntries(entries, limits))).toBeUndefined();
  });

  it('refuses too many entries (413), overlapping data (422), an entry or a total past its bound (413)', () => {
    const many = Array.from({ length: 11 }, (_, i) => entry(`${i}`, i * 100, 10, 10));
    expect(refusalOf(() => checkDeclaredEntries(many, limits))?.status).toBe(413);
    const overlapping = [entry('a', 0, 1000, 1000), entry('b', 500, 10, 10)];
    expect(refusalOf(() => checkDeclaredEntries(overlapping, limits))).toMatchObject({
      status: 422,
      message: expect.stringMatching(/a and b overlap/),
    });
    const big = [entry('a', 0, 1 * MIB, 5 * MIB)];
    expect(refusalOf(() => checkDeclaredEntries(big, limits))).toMatchObject({ status: 413 });
    const total = [entry('a', 0, MIB, 4 * MIB), entry('b', 2 * MIB, MIB, 4 * MIB)];
    expect(refusalOf(() => checkDeclaredEntries(total, limits))?.message).toMatch(
      /would unpack to more than 6 MiB/,
    );
  });
});

describe('the inflate budget, counted as bytes arrive', () => {
  it('stops one entry past its bound, the total past its bound, and a ratio past the bound above the exempt size', () => {
    const a = entry('a', 0, MIB, 0);
    const one = new InflateBudget(limits);
    expect(refusalOf(() => one.spend(a, 4 * MIB, 4 * MIB))).toBeUndefined();
    expect(refusalOf(() => one.spend(a, 1, 4 * MIB + 1))).toMatchObject({ status: 413 });

    const total = new InflateBudget(limits);
    total.spend(a, 4 * MIB, 4 * MIB);
    expect(refusalOf(() => total.spend(entry('b', 0, MIB, 0), 2 * MIB + 1, 2 * MIB + 1))?.message).toMatch(
      /unpacks to more than 6 MiB/,
    );

    const tiny = entry('tiny', 0, 10, 0);
    const ratio = new InflateBudget(limits);
    expect(refusalOf(() => ratio.spend(tiny, RATIO_EXEMPT_BYTES, RATIO_EXEMPT_BYTES))).toBeUndefined();
    expect(refusalOf(() => ratio.spend(tiny, 1, RATIO_EXEMPT_BYTES + 1))).toMatchObject({ status: 422 });
  });
});

describe('the ratio of all parts together to the uploaded file', () => {
  it('refuses many parts each under the exempt size once together they pass the ratio times the file (422), declared or inflated', () => {
    const roomy: ZipLimits = { ...limits, maxEntries: 100, maxTotalBytes: 64 * MIB };
    const footers = Array.from({ length: 63 }, (_, i) => entry(`word/footer${i}.xml`, i * 2 * KIB, KIB, MIB));
    expect(refusalOf(() => checkDeclaredEntries(footers, roomy))).toBeUndefined();
    expect(refusalOf(() => checkDeclaredEntries(footers, roomy, 70 * KIB))).toMatchObject({
      status: 422,
      message: expect.stringMatching(/parts together expand more than 200 times the file/),
    });
    const budget = new InflateBudget(roomy, 70 * KIB);
    let refused: { status: number } | undefined;
    for (let i = 0; i < 63 && !refused; i++)
      refused = refusalOf(() => budget.spend(footers[i] as DeclaredEntry, MIB, MIB));
    expect(refused).toMatchObject({ status: 422 });
    // Up to the exempt size, the whole may compress any amount.
    expect(
      refusalOf(() =>
        new InflateBudget(roomy, 10).spend(
          footers[0] as DeclaredEntry,
          RATIO_EXEMPT_BYTES,
          RATIO_EXEMPT_BYTES,
        ),
      ),
    ).toBeUndefined();
  });
});
