import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { findClause } from '../../server/src/amendments/clauseWriter';
import { REINSTATE_WINDOW_MS } from '../../server/src/amendments/fallenWatch';
import {
  amendmentsUnderAttack,
  modify,
  RETURN,
  statusOf,
  TRAINING,
  tableOk,
} from '../support/amendmentAttack';
import {
  amendmentsAs,
  clientClauseTexts,
  storedClauseTexts,
  typeInClause,
  watchDocument,
} from '../support/amendmentsApi';
import { bracketedText, passageIn } from '../support/bracketPassages';
import { anchorFor, plain } from '../support/negotiationLive';
import { DEMO } from '../support/testServer';
import { versionsAs } from '../support/versionsApi';
import { moveClause, storedWith } from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';

describe('amendments under attack, in the text', () => {
  const attacked = amendmentsUnderAttack();
  const scene = (clauses?: string[]) => attacked.scene(clauses);

  it('accepts an amendment whose clause was moved to another place in the same edit', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [returnId] = clauseIds as [string];
    const proposed = RETURN.replace('forced return', 'expulsion');
    const amendment = await tableOk(ua, modify(returnId, RETURN, proposed));
    moveClause(drafter.doc, returnId, 0, 2);
    await waitFor(() => [...storedClauseTexts(attacked.server, documentId).keys()].at(-1) === returnId, {
      what: 'the move stored',
    });
    expect((await statusOf(pl, amendment.id))?.status).toBe('tabled');
    expect((await pl.decide(amendment.id, { decision: 'accept' })).status).toBe(200);
    await waitFor(() => clientClauseTexts(drafter.doc).get(returnId) === proposed, { what: 'applied live' });
    expect([...storedClauseTexts(attacked.server, documentId).keys()].at(-1)).toBe(returnId);
  });

  it('an amendment whose clause is deleted and then restored by undo is tabled again and can be accepted', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [, trainingId] = clauseIds as [string, string];
    const proposed = TRAINING.replace('joint', 'regular joint');
    const change = await tableOk(ua, modify(trainingId, TRAINING, proposed));
    const insert = await tableOk(ua, {
      kind: 'insert',
      clauseId: trainingId,
      proposedText: 'Share results.',
    });
    const location = findClause(drafter.doc, trainingId);
    if (!location) throw new Error('no clause');
    const undo = new Y.UndoManager(location.section);
    location.section.delete(location.index, 1);
    await waitFor(
      () => drafter.amendmentEvents().filter((amendment) => amendment.status === 'fallen').length === 2,
      { what: 'both fell live' },
    );
    undo.undo();
    await waitFor(() => storedClauseTexts(attacked.server, documentId).get(trainingId) === TRAINING, {
      what: 'the clause back, stored',
    });
    await waitFor(
      async () => (await pl.list()).body.filter((amendment) => amendment.status === 'tabled').length === 2,
      { what: 'both tabled again' },
    );
    await waitFor(() => drafter.amendmentEvents().at(-1)?.status === 'tabled', {
      what: 'tabled again, live',
    });
    expect((await statusOf(pl, change.id))?.fallenReason).toBeNull();
    expect((await pl.decide(change.id, { decision: 'accept' })).status).toBe(200);
    expect((await pl.decide(insert.id, { decision: 'accept' })).status).toBe(200);
    await waitFor(() => clientClauseTexts(drafter.doc).get(trainingId) === proposed, { what: 'applied' });
    undo.destroy();
  });

  it('a clause deleted and brought back over and over costs its amendments one fall and one return per window', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [, trainingId] = clauseIds as [string, string];
    const watcher = await watchDocument(attacked.server, DEMO.observer, documentId);
    attacked.track(watcher);
    const tabled = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        tableOk(ua, modify(trainingId, TRAINING, `${TRAINING} Variant ${index}.`)),
      ),
    );
    const ids = new Set(tabled.map((amendment) => amendment.id));
    const notices = () => watcher.amendmentEvents().filter((amendment) => ids.has(amendment.id)).length;
    await waitFor(() => notices() === 5, { what: 'the tablings seen' });
    const section = findClause(drafter.doc, trainingId)?.section as Y.XmlElement;
    const undo = new Y.UndoManager(section, { captureTimeout: 0 });
    const stored = () => storedClauseTexts(attacked.server, documentId).has(trainingId);
    const started = Date.now();
    for (let cycle = 0; cycle < 10; cycle++) {
      const location = findClause(drafter.doc, trainingId);
      location?.section.delete(location.index, 1);
      await waitFor(() => !stored(), { what: `deleted, cycle ${cycle}` });
      undo.undo();
      await waitFor(stored, { what: `back, cycle ${cycle}` });
    }
    const windows = Math.ceil((Date.now() - started) / REINSTATE_WINDOW_MS);
    await waitFor(
      async () => (await pl.list()).body.filter((amendment) => amendment.status === 'tabled').length === 5,
      { what: 'tabled again once the window is over', timeoutMs: 3 * REINSTATE_WINDOW_MS },
    );
    await waitFor(
      () =>
        tabled.every(
          (amendment) =>
            watcher.amendmentEvents().findLast((a) => a.id === amendment.id)?.status === 'tabled',
        ),
      { what: 'the last return seen' },
    );
    // Tabled; then per window at most a fall and a return of each — not two notices per cycle (5 + 100).
    expect(notices()).toBeLessThanOrEqual(5 + 10 * (windows + 1));
    expect(notices()).toBeLessThan(5 + 10 * 10);
    undo.destroy();
  });

  it('a fall the records refuse is tried again after the next stored change; the server keeps serving', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [returnId, trainingId] = clauseIds as [string, string];
    const amendment = await tableOk(
      ua,
      modify(trainingId, TRAINING, TRAINING.replace('joint', 'regular joint')),
    );
    const { db } = attacked.server.server;
    db.exec(
      "CREATE TRIGGER refuse_fall BEFORE UPDATE ON amendments BEGIN SELECT RAISE(ABORT, 'refused'); END;",
    );
    try {
      const location = findClause(drafter.doc, trainingId);
      location?.section.delete(location.index, 1);
      await waitFor(() => !storedClauseTexts(attacked.server, documentId).has(trainingId), {
        what: 'the deletion stored',
      });
      // The accept waits for the fallen check of the text it sees, whose write the records refuse.
      const refused = await pl.decide(amendment.id, { decision: 'accept' });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toBe('amendment_fallen');
      expect((await statusOf(pl, amendment.id))?.status).toBe('tabled');
    } finally {
      db.exec('DROP TRIGGER refuse_fall');
    }
    typeInClause(drafter.doc, returnId, 0, 'Also: ');
    await waitFor(async () => (await statusOf(pl, amendment.id))?.status === 'fallen', {
      what: 'fallen after the next stored change',
    });
    expect((await statusOf(pl, amendment.id))?.fallenReason).toBe('clause-deleted');
    await waitFor(() => drafter.amendmentEvents().at(-1)?.status === 'fallen', {
      what: 'the fall pushed live',
    });
  });

  it('words an amendment adds right before or after a bracketed passage stay outside the bracket', async () => {
    const { documentId, clauseIds, ua, hu, pl, drafter } = await scene();
    const [returnId] = clauseIds as [string];
    const brackets = [
      passageIn(drafter.doc, returnId, 'Give', ['Grant']),
      passageIn(drafter.doc, returnId, 'IOM', ['UNHCR']),
    ];
    for (const passage of brackets) expect((await hu.newBracket(passage)).status).toBe(201);
    await waitFor(() => bracketedText(drafter.doc, returnId, brackets[1]?.id ?? '') === 'IOM', {
      what: 'brackets live',
    });
    const first = await tableOk(ua, modify(returnId, RETURN, `Member States: ${RETURN}`));
    const second = await tableOk(ua, modify(returnId, RETURN, RETURN.replace('IOM.', 'IOM and UNHCR.')));
    expect((await pl.decide(first.id, { decision: 'accept' })).status).toBe(200);
    expect((await pl.decide(second.id, { decision: 'accept' })).status).toBe(200);
    const both = `Member States: ${RETURN.replace('IOM.', 'IOM and UNHCR.')}`;
    await waitFor(() => clientClauseTexts(drafter.doc).get(returnId) === both, { what: 'both accepted' });
    expect(brackets.map((passage) => bracketedText(drafter.doc, returnId, passage.id))).toEqual([
      'Give',
      'IOM',
    ]);
    for (const passage of brackets)
      expect((await pl.resolveBracket(passage.id, { drop: true })).status).toBe(200);
    const dropped = both.replace('Give', '').replace('IOM', '');
    await waitFor(() => storedClauseTexts(attacked.server, documentId).get(returnId) === dropped, {
      what: 'only the bracketed words dropped',
    });
  });

  it('typing in the very words an accept rewrites: either a conflict, or both kept — never a lost keystroke', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [returnId] = clauseIds as [string];
    const proposed = RETURN.replace('forced return', 'expulsion');
    const amendment = await tableOk(ua, modify(returnId, RETURN, proposed));
    const accepting = pl.decide(amendment.id, { decision: 'accept' });
    typeInClause(drafter.doc, returnId, RETURN.indexOf('forced') + 'forc'.length, 'XYZ');
    const answer = await accepting;
    await storedWith(attacked.server, 'XYZ', documentId);
    await waitFor(
      () =>
        storedClauseTexts(attacked.server, documentId).get(returnId) ===
        clientClauseTexts(drafter.doc).get(returnId),
      { what: 'client and server agree' },
    );
    const text = storedClauseTexts(attacked.server, documentId).get(returnId) ?? '';
    if (answer.status === 409) {
      expect(answer.body.error).toBe('amendment_conflict');
      expect(text).toBe(RETURN.replace('forced', 'forcXYZed'));
    } else {
      expect(answer.status).toBe(200);
      expect(text).toContain('expulsion');
      expect(text).toContain('XYZ');
      expect(text.replace('XYZ', '')).toBe(proposed);
    }
  });

  it('records and text agree after a restart: a decision with nobody connected, a clause brought back by restoring a version', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [returnId, trainingId] = clauseIds as [string, string];
    const versions = await versionsAs(attacked.server, DEMO.penHolder, documentId);
    const saved = await versions.saveOk('With the training clause');
    const fallen = await tableOk(ua, modify(trainingId, TRAINING, TRAINING.replace('joint', 'common')));
    const decided = await tableOk(ua, modify(returnId, RETURN, RETURN.replace('IOM', 'UNHCR')));
    const location = findClause(drafter.doc, trainingId);
    location?.section.delete(location.index, 1);
    await waitFor(async () => (await statusOf(pl, fallen.id))?.status === 'fallen', { what: 'fell' });
    drafter.destroy();
    attacked.release(drafter);
    await waitFor(() => !attacked.server.server.collab.rooms.get(documentId), { what: 'room unloaded' });
    expect((await pl.decide(decided.id, { decision: 'accept' })).status).toBe(200);
    expect(attacked.server.server.collab.rooms.get(documentId)).toBeUndefined();
    await attacked.server.restart();
    const again = await waitFor(() => amendmentsAs(attacked.server, DEMO.penHolder, documentId), {
      what: 'signed in',
    });
    expect(storedClauseTexts(attacked.server, documentId).get(returnId)).toBe(RETURN.replace('IOM', 'UNHCR'));
    expect((await statusOf(again, decided.id))?.status).toBe('accepted');
    const restorer = await versionsAs(attacked.server, DEMO.penHolder, documentId);
    expect((await restorer.restore(saved.id)).status).toBe(204);
    expect(storedClauseTexts(attacked.server, documentId).get(trainingId)).toBe(TRAINING);
    expect((await statusOf(again, fallen.id))?.status).toBe('tabled');
    expect((await again.decide(fallen.id, { decision: 'accept' })).status).toBe(200);
    expect(storedClauseTexts(attacked.server, documentId).get(trainingId)).toBe(
      TRAINING.replace('joint', 'common'),
    );
  });

  it('accepting into a clause with a hard break, a list and a bracket keeps all three where the words stay', async () => {
    const { documentId, clauseIds, ua, hu, pl, drafter } = await scene();
    const [, , otherId] = clauseIds as [string, string, string];
    const clause = findClause(drafter.doc, otherId)?.clause as Y.XmlElement;
    const paragraph = (...parts: (string | Y.XmlElement)[]) => {
      const element = new Y.XmlElement('paragraph');
      element.insert(
        0,
        parts.map((part) => {
          if (typeof part !== 'string') return part;
          const content = new Y.XmlText();
          content.insert(0, part);
          return content;
        }),
      );
      return element;
    };
    const item = (words: string) => {
      const element = new Y.XmlElement('listItem');
      element.insert(0, [paragraph(words)]);
      return element;
    };
    drafter.doc.transact(() => {
      const list = new Y.XmlElement('bulletList');
      list.insert(0, [item('exchange data on returns;'), item('train border guards.')]);
      clause.delete(0, clause.length);
      clause.insert(0, [paragraph('States shall', new Y.XmlElement('hardBreak'), ' in particular:'), list]);
    });
    const current = 'States shall in particular:\nexchange data on returns;\ntrain border guards.';
    await waitFor(() => storedClauseTexts(attacked.server, documentId).get(otherId) === current, {
      what: 'stored',
    });
    const text = ((clause.get(1) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlElement;
    const anchored = text.get(0) as Y.XmlText;
    const bracket = {
      ...passageIn(drafter.doc, otherId, 'States'),
      anchor: anchorFor(anchored, 0, 'exchange data'.length),
      alternatives: ['exchange data'],
    };
    expect((await hu.newBracket(bracket)).status).toBe(201);
    const proposed =
      'States shall in particular:\nexchange statistical data on returns;\ntrain border guards;\nreport yearly.';
    const amendment = await tableOk(ua, modify(otherId, current, proposed));
    expect((await pl.decide(amendment.id, { decision: 'accept' })).status).toBe(200);
    await waitFor(() => clientClauseTexts(drafter.doc).get(otherId) === proposed, { what: 'accepted live' });
    const xml = clause.toString();
    expect(xml.match(/<hardbreak>/g)).toHaveLength(1);
    expect(xml.match(/<bulletlist>/g)).toHaveLength(1);
    expect(bracketedText(drafter.doc, otherId, bracket.id)).toBe('');
    expect(plain(anchored)).toBe('exchange statistical data on returns;');
    const runs = anchored.toDelta() as { insert: string; attributes?: { bracket?: { id: string } } }[];
    expect(runs.filter((run) => run.attributes?.bracket?.id === bracket.id).map((run) => run.insert)).toEqual(
      ['exchange statistical data'],
    );
  });
});
