import * as Y from 'yjs';
import type { NewAmendmentRecord } from '../amendments/amendmentStore';
import { readClauses } from '../content/outline';
import type { RecordStores } from '../store/recordStores';
import type { DemoProfileOf } from './participants';

/** One demo amendment: who tables it, to which clause, the wording, and the reason. */
interface DemoAmendment {
  by: string;
  clause: string;
  kind: 'modify' | 'delete' | 'insert';
  /** The whole clause as proposed (modify), or the new clause (insert); a function of the clause's text for modify. */
  proposed: (text: string) => string;
  justification: string;
}

const UA = 'olena.bondar@ua.example';
const HU = 'laszlo.kovacs@hu.example';
const CZ = 'jana.novakova@cz.example';
const ICMPD = 'martin.weber@icmpd.example';
const PL = 'anna.nowak@pl.example';

/** Replaces `words` in a clause's text, failing loudly if the demo text no longer has them. */
function replacing(words: string, by: string): (text: string) => string {
  return (text) => {
    if (!text.includes(words)) throw new Error(`demo amendment: "${words}" not in the clause`);
    return text.replace(words, by);
  };
}

/** AM 1–8 in the order tabled. */
const DEMO_AMENDMENTS: DemoAmendment[] = [
  {
    by: UA,
    clause: '2.3',
    kind: 'modify',
    proposed: replacing('vocational training and', 'vocational training, psychosocial assistance and'),
    justification:
      'Returnees from long stays abroad often need psychosocial support before they can take up work or training.',
  },
  {
    by: HU,
    clause: '2.3',
    kind: 'modify',
    proposed: (text) =>
      replacing(
        'Support returnees in',
        'Support returnees and their families in',
      )(text).replace(/\.$/, ', in cooperation with local authorities.'),
    justification: 'Reintegration lasts when families are included and municipalities take part in it.',
  },
  {
    by: CZ,
    clause: '1.2',
    kind: 'modify',
    proposed: replacing('forged documents', 'forged and fraudulently obtained documents'),
    justification:
      'Genuine documents obtained by fraud are now the most frequent case at the external border (Frontex risk analysis 2011).',
  },
  {
    by: UA,
    clause: '1.2',
    kind: 'modify',
    proposed: replacing(
      'border guards and migration officials',
      'border guards, migration officials and judges',
    ),
    justification: 'Judges decide on detention and return; they should follow the same training.',
  },
  {
    by: ICMPD,
    clause: '1.2',
    kind: 'insert',
    proposed: () =>
      'Make the joint training curricula available to all participating states through an e-learning platform maintained by the secretariat.',
    justification: 'States that cannot send officials to joint sessions could still use the same material.',
  },
  {
    by: HU,
    clause: '3.3',
    kind: 'delete',
    proposed: () => '',
    justification:
      'The recognition of qualifications is a national competence; clause 3.1 already covers the information.',
  },
  {
    by: UA,
    clause: '3.3',
    kind: 'modify',
    proposed: replacing('where appropriate', 'that are voluntary and respect the rights of migrant workers'),
    justification: 'Circular migration must not become a way around the rights of workers who wish to stay.',
  },
];

const COMPROMISE_TEXT =
  'Support returnees and their families in their sustainable reintegration through access to employment, vocational training, psychosocial assistance and micro-credit schemes in the countries of origin, in cooperation with local authorities.';

/**
 * Amendments for the demo negotiation, tabled against Rev. 1 (run after that
 * version is stored): seven delegation amendments to clauses 1.2, 2.3 and
 * 3.3 with justifications, then the presidency's compromise AM 8 covering
 * AM 1 (UA) and AM 2 (HU) on 2.3; AM 3 (CZ) co-sponsored by Hungary; AM 4
 * (UA) withdrawn; AM 6 (HU, delete 3.3) rejected; AM 5 and AM 7 still tabled.
 * Written through `records`, one after the other (numbers follow the order).
 */
export async function seedDemoAmendments(
  records: RecordStores,
  profileOf: DemoProfileOf,
  documentId: string,
  state: Uint8Array,
): Promise<void> {
  const store = records.amendments;
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const clauses = readClauses(doc);
  doc.destroy();
  const clause = (number: string) => {
    const found = clauses.find((candidate) => candidate.number === number);
    if (!found) throw new Error(`demo clause ${number} missing`);
    return found;
  };
  const record = (
    by: string,
    number: string,
  ): Omit<NewAmendmentRecord, 'kind' | 'proposedText' | 'justification'> => {
    const tabler = profileOf(by);
    const target = clause(number);
    return {
      documentId,
      clauseId: target.id,
      clauseNumber: target.number,
      baseText: target.text,
      proponentParticipantId: tabler.participant.id,
      tabledBy: tabler.id,
    };
  };
  const tabled = [];
  for (const demo of DEMO_AMENDMENTS) {
    tabled.push(
      await store.insert({
        ...record(demo.by, demo.clause),
        kind: demo.kind,
        proposedText: demo.proposed(clause(demo.clause).text),
        justification: demo.justification,
      }),
    );
  }
  const [am1, am2, am3, am4, , am6] = tabled;
  if (!am1 || !am2 || !am3 || !am4 || !am6) throw new Error('demo amendments missing');
  await store.addCosponsor(am3.id, profileOf(HU).participant.id, profileOf(HU).id);
  await store.conclude(documentId, am4.id, { status: 'withdrawn', decidedBy: profileOf(UA).id });
  await store.conclude(documentId, am6.id, { status: 'rejected', decidedBy: profileOf(PL).id });
  const compromise = await store.insert({
    ...record(PL, '2.3'),
    kind: 'modify',
    proposedText: COMPROMISE_TEXT,
    justification:
      'Presidency compromise: the psychosocial assistance of AM 1 (UA) and the families and local authorities of AM 2 (HU).',
    compromise: true,
    covers: [am1.number, am2.number],
  });
  for (const covered of [am1, am2]) {
    await store.conclude(documentId, covered.id, {
      status: 'covered-by-compromise',
      decidedBy: profileOf(PL).id,
      coveredBy: compromise.number,
    });
  }
}
