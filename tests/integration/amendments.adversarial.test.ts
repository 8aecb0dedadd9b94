/**
 * Amendments under attack (real server, SQLite, HTTP and y-websocket clients):
 * a hostile or careless delegate racing decisions, tabling in bulk, decisions
 * and compromises on what is not open, co-signing where it may not, wording
 * smuggling characters in, and who the compare names for accepted text. What
 * must hold: no double apply, numbers unique and gapless, every resource
 * bounded, no text under a false name, every refusal a clear 4xx with nothing
 * stored. (Clauses moved, deleted and brought back, and text with brackets,
 * hard breaks and lists: amendments.adversarial.text.test.ts.)
 */
import type { Amendment } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import {
  amendmentsUnderAttack,
  modify,
  RETURN,
  statusOf,
  TRAINING,
  tableOk,
} from '../support/amendmentAttack';
import {
  type AmendmentsApi,
  clientClauseTexts,
  storedClauseTexts,
  typeInClause,
} from '../support/amendmentsApi';
import { signInOutsider } from '../support/negotiationApi';
import { DEMO } from '../support/testServer';
import { versionsAs } from '../support/versionsApi';
import { waitFor } from '../support/waitFor';

describe('amendments under attack', () => {
  const attacked = amendmentsUnderAttack();
  const scene = (clauses?: string[]) => attacked.scene(clauses);

  it('two accepts of one amendment sent at once apply it once', async () => {
    const { documentId, clauseIds, ua, pl } = await scene();
    const [returnId] = clauseIds as [string];
    const proposed = RETURN.replace('voluntary', 'safe and voluntary');
    const change = await tableOk(ua, modify(returnId, RETURN, proposed));
    const insert = await tableOk(ua, {
      kind: 'insert',
      clauseId: returnId,
      proposedText: 'Monitor returns.',
    });
    for (const amendment of [change, insert]) {
      const answers = await Promise.all([
        pl.decide(amendment.id, { decision: 'accept' }),
        pl.decide(amendment.id, { decision: 'accept' }),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
      expect(answers.find((answer) => answer.status === 409)?.body.error).toBe('not_open');
    }
    const texts = [...storedClauseTexts(attacked.server, documentId).values()];
    expect(texts.filter((text) => text === 'Monitor returns.')).toHaveLength(1);
    expect(texts[0]).toBe(proposed);
  });

  it('forty tablings sent at once get the numbers 1 to 40, each once', async () => {
    const { clauseIds, ua, hu, cz } = await scene();
    const apis = [ua, hu, cz];
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        (apis[index % 3] as AmendmentsApi).table(
          modify(clauseIds[0] as string, RETURN, `${RETURN} Variant ${index}.`),
        ),
      ),
    );
    expect(answers.every((answer) => answer.status === 201)).toBe(true);
    const numbers = answers.map((answer) => answer.body.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
  });

  it('bounds the amendments a delegation may table on a document, and a document may hold', async () => {
    const { documentId, clauseIds, ua, cz, pl } = await scene();
    const [returnId] = clauseIds as [string];
    const insert = (index: number) => ({
      kind: 'insert',
      clauseId: returnId,
      proposedText: `New clause ${index}.`,
    });
    for (let batch = 0; batch < 6; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, index) => ua.table(insert(batch * 50 + index))),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(201));
    }
    const first = (await ua.list()).body[0] as Amendment;
    expect((await ua.withdraw(first.id)).status).toBe(200);
    const refused = await ua.table(insert(300));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'amendment_limit' });
    expect((await ua.list()).body).toHaveLength(300);
    const czech = await tableOk(cz, insert(301));
    expect(czech.number).toBe(301);

    // Fill the document up to its bound with another delegation's amendments, straight into SQLite.
    const { db } = attacked.server.server;
    const secretariat = db
      .prepare('SELECT id, participant_id FROM users WHERE email = ?')
      .get(DEMO.secretariat) as {
      id: string;
      participant_id: string;
    };
    const fill = db.prepare(
      `INSERT INTO amendments (id, document_id, number, kind, clause_id, clause_number, base_text, proposed_text,
         justification, proponent_participant_id, tabled_by, tabled_at, status)
       SELECT ?, document_id, ?, kind, clause_id, clause_number, base_text, proposed_text, '', ?, ?, tabled_at, 'withdrawn'
       FROM amendments WHERE id = ?`,
    );
    db.transaction(() => {
      for (let number = 302; number <= 5_000; number++) {
        fill.run(`am-fill-${number}`, number, secretariat.participant_id, secretariat.id, czech.id);
      }
    })();
    const atLimit = [
      await cz.table(insert(5_001)),
      await pl.compromise({ covers: [czech.id], proposedText: 'Merged.', justification: '' }),
    ];
    for (const answer of atLimit) {
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ error: 'amendment_limit' });
    }
    expect((await pl.list()).body).toHaveLength(5_000);
    expect((await statusOf(pl, czech.id))?.status).toBe('tabled');
    expect(storedClauseTexts(attacked.server, documentId).size).toBe(3);
  });

  it('accept-as-modified: paragraphs added, 20,000 characters, empty or unsafe text refused with nothing changed', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [returnId, trainingId] = clauseIds as [string, string];
    const amendment = await tableOk(ua, modify(returnId, RETURN, RETURN.replace('IOM', 'IOM and UNHCR')));
    const before = storedClauseTexts(attacked.server, documentId);
    const refusals: [Record<string, unknown>, number][] = [
      [{ decision: 'accept-as-modified', text: '', againstText: RETURN }, 400],
      [{ decision: 'accept-as-modified', text: '   \n  ', againstText: RETURN }, 400],
      [{ decision: 'accept-as-modified', text: 'Bad \u0001 text.', againstText: RETURN }, 400],
      [{ decision: 'accept-as-modified', text: 'Bad \uffff text.', againstText: RETURN }, 400],
      [{ decision: 'accept-as-modified', text: 'Lone \ud800 surrogate.', againstText: RETURN }, 400],
      [{ decision: 'accept-as-modified', text: 'x'.repeat(20_001), againstText: RETURN }, 400],
      [{ decision: 'accept-as-modified', text: 'Other.', againstText: 'Not the clause.' }, 409],
    ];
    for (const [decision, status] of refusals) {
      const answer = await pl.decide(amendment.id, decision);
      expect([decision.text, answer.status]).toEqual([decision.text, status]);
    }
    expect(storedClauseTexts(attacked.server, documentId)).toEqual(before);
    expect((await statusOf(pl, amendment.id))?.status).toBe('tabled');

    const paragraphs = 'First <b>&amp; "quoted"</b>.\n\nSecond ]]> paragraph.\nThird.';
    const modified = await pl.decide(amendment.id, {
      decision: 'accept-as-modified',
      text: paragraphs,
      againstText: RETURN,
    });
    expect(modified.status).toBe(200);
    await waitFor(() => clientClauseTexts(drafter.doc).get(returnId) === paragraphs, {
      what: 'paragraphs live',
    });
    expect(storedClauseTexts(attacked.server, documentId).get(returnId)).toBe(paragraphs);

    const long = await tableOk(ua, modify(trainingId, TRAINING, `${TRAINING} More.`));
    const huge = `${'word '.repeat(3_999)}ends.`;
    expect(huge.length).toBe(20_000);
    expect(
      (await pl.decide(long.id, { decision: 'accept-as-modified', text: huge, againstText: TRAINING }))
        .status,
    ).toBe(200);
    expect(storedClauseTexts(attacked.server, documentId).get(trainingId)).toBe(huge);
  });

  it('agreed clauses: tabling allowed, accept and accept-as-modified refused, a new clause after one accepted', async () => {
    const { documentId, clauseIds, ua, pl } = await scene();
    const [returnId] = clauseIds as [string];
    expect((await pl.setStatus(returnId, 'agreed')).status).toBe(200);
    const change = await tableOk(ua, modify(returnId, RETURN, RETURN.replace('IOM', 'UNHCR')));
    const deletion = await tableOk(ua, { kind: 'delete', clauseId: returnId, baseText: RETURN });
    const insert = await tableOk(ua, { kind: 'insert', clauseId: returnId, proposedText: 'After agreed.' });
    const refusals = [
      pl.decide(change.id, { decision: 'accept' }),
      pl.decide(change.id, { decision: 'accept-as-modified', text: 'Other words.', againstText: RETURN }),
      pl.decide(deletion.id, { decision: 'accept' }),
      pl.decide(deletion.id, { decision: 'accept-as-modified', text: '', againstText: RETURN }),
    ];
    for (const answer of await Promise.all(refusals)) {
      expect(answer.status).toBe(409);
      expect(answer.body.error).toBe('clause_locked');
    }
    expect(storedClauseTexts(attacked.server, documentId).get(returnId)).toBe(RETURN);
    expect((await pl.decide(insert.id, { decision: 'accept' })).status).toBe(200);
    const texts = [...storedClauseTexts(attacked.server, documentId).values()];
    expect(texts.slice(0, 2)).toEqual([RETURN, 'After agreed.']);
  });

  it('compromises: across clauses, over decided or withdrawn ones refused; over a compromise it nests and unwinds', async () => {
    const { clauseIds, ua, cz, pl } = await scene();
    const [returnId, trainingId] = clauseIds as [string, string];
    const a = await tableOk(ua, modify(returnId, RETURN, RETURN.replace('IOM', 'UNHCR')));
    const b = await tableOk(cz, modify(returnId, RETURN, RETURN.replace('priority', 'precedence')));
    const c = await tableOk(cz, modify(trainingId, TRAINING, TRAINING.replace('joint', 'common')));
    const gone = await tableOk(ua, modify(returnId, RETURN, RETURN.replace('Give', 'Grant')));
    expect((await ua.withdraw(gone.id)).status).toBe(200);
    const count = (await pl.list()).body.length;
    const wording = RETURN.replace('priority', 'precedence').replace('IOM', 'UNHCR');
    const refused: [Record<string, unknown>, number][] = [
      [{ covers: [a.id, c.id], proposedText: wording }, 400],
      [{ covers: [a.id, gone.id], proposedText: wording }, 409],
      [{ covers: [a.id, b.id], proposedText: RETURN }, 400],
      [{ covers: [a.id, b.id], proposedText: 'x'.repeat(20_001) }, 400],
      [{ covers: Array.from({ length: 51 }, () => a.id), proposedText: wording }, 400],
    ];
    for (const [input, status] of refused) expect((await pl.compromise(input)).status).toBe(status);
    expect((await ua.compromise({ covers: [a.id, b.id], proposedText: wording })).status).toBe(403);
    expect((await pl.list()).body).toHaveLength(count);

    const inner = await pl.compromise({ covers: [a.id, b.id], proposedText: wording, justification: '' });
    expect(inner.status).toBe(201);
    const outer = await pl.compromise({ covers: [inner.body.id], proposedText: `${wording} Now.` });
    expect(outer.status).toBe(201);
    expect(outer.body.covers).toEqual([inner.body.number]);
    expect((await statusOf(pl, inner.body.id))?.coveredBy).toBe(outer.body.number);
    expect((await pl.decide(outer.body.id, { decision: 'reject' })).status).toBe(200);
    const after = new Map((await pl.list()).body.map((amendment) => [amendment.id, amendment]));
    expect(after.get(inner.body.id)?.status).toBe('tabled');
    expect(after.get(a.id)).toMatchObject({ status: 'covered-by-compromise', coveredBy: inner.body.number });
    expect(after.get(b.id)).toMatchObject({ status: 'covered-by-compromise', coveredBy: inner.body.number });
  });

  it('co-signing and withdrawing: own, twice, after a decision, by an observer or an outsider', async () => {
    const { ua, cz, hu, pl, observer, clauseIds, documentId } = await scene();
    const amendment = await tableOk(
      ua,
      modify(clauseIds[0] as string, RETURN, RETURN.replace('IOM', 'UNHCR')),
    );
    expect((await ua.cosponsor(amendment.id)).status).toBe(403);
    expect((await cz.cosponsor(amendment.id)).status).toBe(200);
    const twice = await cz.cosponsor(amendment.id);
    expect(twice.status).toBe(200);
    expect(twice.body.cosponsors.map((entry) => entry.participantCode)).toEqual(['CZ']);
    expect((await observer.cosponsor(amendment.id)).status).toBe(403);
    expect((await hu.uncosponsor(amendment.id)).status).toBe(404);
    expect((await cz.withdraw(amendment.id)).status).toBe(403);
    expect((await pl.withdraw(amendment.id)).status).toBe(403);
    const outsider = await signInOutsider(attacked.server);
    const stranger = new (Object.getPrototypeOf(ua).constructor as typeof AmendmentsApi)(
      attacked.server,
      outsider,
      documentId,
    );
    for (const answer of [
      await stranger.list(),
      await stranger.cosponsor(amendment.id),
      await stranger.withdraw(amendment.id),
      await stranger.decide(amendment.id, { decision: 'reject' }),
    ]) {
      expect(answer.status).toBe(404);
    }
    expect((await pl.decide(amendment.id, { decision: 'reject' })).status).toBe(200);
    expect((await ua.withdraw(amendment.id)).status).toBe(409);
    expect((await hu.cosponsor(amendment.id)).status).toBe(409);
    expect((await cz.uncosponsor(amendment.id)).status).toBe(409);
    expect((await pl.decide(amendment.id, { decision: 'accept' })).status).toBe(409);
    expect((await statusOf(pl, amendment.id))?.status).toBe('rejected');
  });

  it('compare names the proponent for accepted text, and the presidency for wording it wrote as modified', async () => {
    const { documentId, clauseIds, ua, cz, pl } = await scene();
    const [returnId, trainingId] = clauseIds as [string, string];
    const versions = await versionsAs(attacked.server, DEMO.penHolder, documentId);
    const before = await versions.saveOk('Before the decisions');
    const accepted = await tableOk(ua, modify(returnId, RETURN, RETURN.replace('IOM', 'IOM and UNHCR')));
    const modified = await tableOk(cz, modify(trainingId, TRAINING, TRAINING.replace('joint', 'common')));
    expect((await pl.decide(accepted.id, { decision: 'accept' })).status).toBe(200);
    const wording = 'The Czech delegation withdraws all reservations on training.';
    expect(
      (await pl.decide(modified.id, { decision: 'accept-as-modified', text: wording, againstText: TRAINING }))
        .status,
    ).toBe(200);
    const compared = await versions.compare({ from: before.id });
    expect(compared.status).toBe(200);
    const editedBy = new Map(
      compared.body.comparison.sections
        .flatMap((section) => section.clauses)
        .map((clause) => [clause.clauseId, clause.editedBy ?? []]),
    );
    expect(editedBy.get(returnId)).toEqual(['UA']);
    expect(editedBy.get(trainingId)).toEqual(['PL']);
    expect(compared.body.amendments.map((change) => change.number).sort()).toEqual([1, 2]);
  });

  it('a clause holding a control character pasted into it can still be amended; adding one is refused', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [returnId] = clauseIds as [string];
    typeInClause(drafter.doc, returnId, RETURN.indexOf(' in cooperation'), '\f');
    const current = RETURN.replace(' in cooperation', '\f in cooperation');
    await waitFor(() => storedClauseTexts(attacked.server, documentId).get(returnId) === current, {
      what: 'stored',
    });
    const proposed = current.replace('IOM', 'UNHCR');
    const amendment = await tableOk(ua, modify(returnId, current, proposed));
    expect(amendment.baseText).toBe(current);
    const added = await ua.table(modify(returnId, current, proposed.replace('UNHCR', 'UNHCR\u0001')));
    expect(added.status).toBe(400);
    expect((await pl.decide(amendment.id, { decision: 'accept' })).status).toBe(200);
    expect(storedClauseTexts(attacked.server, documentId).get(returnId)).toBe(proposed);
    const modified = await tableOk(ua, modify(returnId, proposed, proposed.replace('UNHCR', 'IOM')));
    const smuggled = await pl.compromise({ covers: [modified.id], proposedText: `${proposed}\u0002` });
    expect(smuggled.status).toBe(400);
    expect((await statusOf(pl, modified.id))?.status).toBe('tabled');
    const settled = proposed.replace('Give', 'Grant');
    expect(
      (await pl.decide(modified.id, { decision: 'accept-as-modified', text: settled, againstText: proposed }))
        .status,
    ).toBe(200);
    expect(storedClauseTexts(attacked.server, documentId).get(returnId)).toBe(settled);
  });
});
