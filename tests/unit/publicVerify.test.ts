import type { VersionSummary } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../server/src/content/structure';
import { exportVersionDocx } from '../../server/src/export';
import { bodyParagraphs } from '../../server/src/verify/docxParagraphs';
import { publicMatches, type ReadDocx, type VersionLookup } from '../../server/src/verify/verification';
import { docxPart, richStructure } from '../support/verifyDocx';

async function readExport() {
  const structure = richStructure();
  const print = fingerprint(structure);
  const docx = await exportVersionDocx({
    title: 'Action Plan',
    processName: 'Prague Process',
    versionLabel: 'Rev. 2',
    date: '2026-11-30T00:53:43.935Z',
    fingerprint: print,
    structure,
  });
  const read: ReadDocx = {
    claimedFingerprint: print,
    paragraphs: bodyParagraphs(docxPart(docx, 'word/document.xml')),
  };
  return { read, print };
}

const lookupOf = (byFingerprint: (value: string) => VersionSummary[]): VersionLookup => ({
  byFingerprint: async (value) => byFingerprint(value),
  structureOf: async () => richStructure(),
  snapshotOf: async () => ({}),
});

const version = (kind: VersionSummary['kind'], id: string) => ({ kind, id }) as VersionSummary;

describe('public verification (publicMatches)', () => {
  it('looks nothing up when the text is not the footer’s, so a real footer answers no slower', async () => {
    // The footer names another stored version (a real fingerprint); the text is this export's.
    const { read } = await readExport();
    const forged = { ...read, claimedFingerprint: 'e'.repeat(64) };
    const looked: string[] = [];
    const byFingerprint = (value: string) => {
      looked.push(value);
      return [version('named', 'v')];
    };
    expect(await publicMatches(forged, lookupOf(byFingerprint))).toEqual([]);
    expect(looked).toEqual([]);
  });

  it('names named versions only, never an automatic checkpoint of the same text', async () => {
    const { read, print } = await readExport();
    const stored = [version('automatic', 'c'), version('named', 'n')];
    const lookup = lookupOf((value: string) => (value === print ? stored : []));
    expect((await publicMatches(read, lookup)).map((found) => found.id)).toEqual(['n']);
    expect(
      await publicMatches(
        read,
        lookupOf(() => [version('automatic', 'c')]),
      ),
    ).toEqual([]);
    expect(await publicMatches({ ...read, foreign: 'w:vanish' }, lookup)).toEqual([]);
  });
});
