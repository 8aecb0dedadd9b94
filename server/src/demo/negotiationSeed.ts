import type { UserProfile } from '@draftroom/shared';
import { readYSections } from '@draftroom/shared/yClauses';
import type * as Y from 'yjs';
import { plainText, readClauses } from '../content/outline';
import type { NegotiationRepository } from '../negotiation/negotiationStore';
import type { RecordStores } from '../store/recordStores';
import type { DemoProfileOf } from './participants';

const BRACKET_ID = 'br-5eed0001';
const BRACKETED_WORDS = 'and encourage their productive investment';

/** The id of the clause numbered `number` ("5.2"). */
function clauseId(doc: Y.Doc, number: string): string {
  const clause = readClauses(doc).find((candidate) => candidate.number === number);
  if (!clause) throw new Error(`demo clause ${number} missing`);
  return clause.id;
}

/** Puts the words of clause 5.2 on remittances in brackets (in the text itself, before the document exists). */
export function bracketDemoPassage(doc: Y.Doc): void {
  const clause = readYSections(doc)
    .flatMap((section) => section.clauses)
    .find((candidate) => candidate.number === '5.2');
  if (!clause) throw new Error('demo clause 5.2 missing');
  const start = plainText(clause.element).indexOf(BRACKETED_WORDS);
  if (start < 0) throw new Error('demo bracket words missing');
  const text = (clause.element.get(0) as Y.XmlElement).get(0) as Y.XmlText;
  text.format(start, BRACKETED_WORDS.length, { bracket: { id: BRACKET_ID } });
}

/**
 * A negotiation under way, for the demo: statuses, delegations' positions, a
 * bracket with two alternatives, and comment threads that mention delegations
 * — written through `records`, in this order, on the document `documentId`
 * whose text is `doc` (read only, for the clauses' ids).
 */
export async function seedDemoNegotiation(
  records: RecordStores,
  profileOf: DemoProfileOf,
  documentId: string,
  doc: Y.Doc,
): Promise<void> {
  const { negotiation, comments } = records;
  const anna = profileOf('anna.nowak@pl.example');
  const laszlo = profileOf('laszlo.kovacs@hu.example');
  const jana = profileOf('jana.novakova@cz.example');
  const martin = profileOf('martin.weber@icmpd.example');
  const olena = profileOf('olena.bondar@ua.example');

  await negotiation.setStatus(documentId, clauseId(doc, '6.4'), 'agreed', anna.id);
  await negotiation.setStatus(documentId, clauseId(doc, '4.3'), 'agreed-ad-referendum', anna.id);
  await negotiation.setStatus(documentId, clauseId(doc, '5.2'), 'bracketed', anna.id);

  const position = (
    who: UserProfile,
    number: string,
    value: Parameters<NegotiationRepository['setPosition']>[3],
  ) => negotiation.setPosition(documentId, clauseId(doc, number), who.participant.id, value, who.id);
  await position(olena, '1.1', {
    position: 'supports',
    note: 'Ukraine welcomes the reference to the i-Map.',
  });
  await position(olena, '3.3', {
    position: 'scrutiny-reservation',
    note: 'Under review by the Ministry of Social Policy.',
  });
  await position(jana, '2.1', {
    position: 'reservation',
    note: 'Subject to consultation with the Ministry of Labour.',
  });
  await position(laszlo, '4.3', {
    position: 'agreed-ad-referendum',
    note: 'Pending confirmation from Budapest.',
  });

  await negotiation.createBracket(
    documentId,
    { id: BRACKET_ID, clauseId: clauseId(doc, '5.2'), alternatives: [BRACKETED_WORDS] },
    { id: laszlo.id, participantId: laszlo.participant.id },
  );
  await negotiation.addAlternative(
    documentId,
    BRACKET_ID,
    'and facilitate their investment in local development',
    jana.participant.id,
  );

  const thread = await comments.createThread(
    documentId,
    {
      clauseId: clauseId(doc, '2.3'),
      anchor: null,
      body: 'Should this refer to the European Reintegration Network? @ICMPD could you check the wording?',
      mentions: ['ICMPD'],
    },
    jana.id,
  );
  await comments.reply(
    documentId,
    thread.id,
    'We will propose a sentence before the Poznań drafting meeting.',
    [],
    martin.id,
  );
  await comments.createThread(
    documentId,
    {
      clauseId: clauseId(doc, '1.3'),
      anchor: null,
      body: '@PL we would prefer "upon request of the partner state concerned".',
      mentions: ['PL'],
    },
    olena.id,
  );
}
