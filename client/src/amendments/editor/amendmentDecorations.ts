/**
 * Decorations of amendments over the live, shared text — none changes it:
 * - "Show amendments": each open amendment as tracked changes in its
 *   delegation's colour. Words it deletes are struck through where they
 *   stand, words it inserts are drawn (widgets) where they would go, a
 *   deleted clause is struck through whole, a proposed new clause is a block
 *   after the clause it follows ("2.3a (new)"). An amendment whose clause
 *   changed since it was tabled is drawn as accepting it would apply it: its
 *   change carried over to the current text (`rebaseChange`, the server's
 *   word-level merge); when it no longer applies cleanly, as a block after
 *   the clause with its redline against the text it was tabled on.
 * - A proposal being written: its clause's text is hidden (class
 *   `is-proposing`) and the proposal editor takes its place; for a new
 *   clause, the editor comes after the clause.
 */
import { type Amendment, type AmendmentKind, rebaseChange } from '@draftroom/shared';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { type ClauseRange, clauseRanges } from '../../negotiation/editor/clauseRanges';
import { amendmentRedline, clauseRedline, redlineText } from '../amendmentModel';
import { indexClauseText } from '../clauseTextIndex';
import { alignRedline, breaksInRanges } from '../redlineAlign';
import { amendmentBlock, amendmentLabel, colorStyle, deletedBreak, insertedWords } from './inlineDom';

/** An open amendment to draw, with its delegation's colour and, for a new clause, its label ("2.3a (new)"). */
export interface InlineAmendment {
  amendment: Amendment;
  color: string;
  newClauseLabel?: string;
}

export interface AmendmentViewModel {
  /** Drawn in the text (empty when "Show amendments" is off). */
  inline: InlineAmendment[];
  /** The clause being proposed on, and the kind of proposal. */
  proposal: { clauseId: string; kind: AmendmentKind } | null;
}

export const EMPTY_AMENDMENT_VIEW: AmendmentViewModel = { inline: [], proposal: null };

const widgetSpec = (key: string, side: number) => ({ key, side, ignoreSelection: true, marks: [] });

function label(amendment: Amendment): string {
  return `AM ${amendment.number} · ${amendment.proponentCode}`;
}

/** An amendment's change to the clause's current text, in place: `proposed` is the clause as it would read. */
function inPlace(
  clause: ClauseRange,
  item: InlineAmendment,
  proposed: string,
  decorations: Decoration[],
): void {
  const { amendment, color } = item;
  const index = indexClauseText(clause.node, clause.from + 1);
  const shown = redlineText(index.text);
  const aligned = alignRedline(shown, clauseRedline(index.text, proposed), 'before');
  const first = Math.min(
    aligned.ranges[0]?.from ?? Number.POSITIVE_INFINITY,
    aligned.gaps[0]?.at ?? Number.POSITIVE_INFINITY,
  );
  if (first === Number.POSITIVE_INFINITY) return;
  const key = `am:${amendment.id}`;
  decorations.push(
    Decoration.widget(
      index.positionAt(first),
      () => amendmentLabel(label(amendment), color),
      widgetSpec(`${key}:label`, -1),
    ),
  );
  const title = `AM ${amendment.number} (${amendment.proponentCode})`;
  for (const range of aligned.ranges) {
    decorations.push(
      Decoration.inline(index.positionAt(range.from), index.positionAt(range.to), {
        nodeName: 'del',
        class: 'am-inline am-inline--del',
        style: colorStyle(color),
        title: `${title}: deleted`,
      }),
    );
  }
  for (const gap of aligned.gaps) {
    decorations.push(
      Decoration.widget(
        index.positionAt(gap.at),
        () => insertedWords(gap.text, color, `${title}: inserted`),
        widgetSpec(`${key}:${gap.at}:${gap.text}`, 1),
      ),
    );
  }
  for (const at of breaksInRanges(shown, aligned.ranges)) {
    decorations.push(
      Decoration.widget(
        index.positionAt(at),
        () => deletedBreak(color, `${title}: paragraph break deleted`),
        widgetSpec(`${key}:break:${at}`, 1),
      ),
    );
  }
}

/** A block after the clause: a proposed new clause, or an amendment tabled against an earlier text. */
function afterClause(
  clause: ClauseRange,
  item: InlineAmendment,
  note: string,
  decorations: Decoration[],
): void {
  const { amendment, color } = item;
  decorations.push(
    Decoration.widget(
      clause.to,
      () => amendmentBlock(label(amendment), note, amendmentRedline(amendment), color),
      widgetSpec(`am-block:${amendment.id}:${amendment.status}:${note}`, 1),
    ),
  );
}

function inlineDecorations(clause: ClauseRange, items: InlineAmendment[], decorations: Decoration[]): void {
  const text = indexClauseText(clause.node, clause.from + 1).text;
  for (const item of items) {
    const { amendment } = item;
    if (amendment.kind === 'insert') {
      afterClause(clause, item, `— ${item.newClauseLabel ?? 'new clause'}`, decorations);
      continue;
    }
    if (amendment.kind === 'delete') {
      inPlace(clause, item, '', decorations);
      continue;
    }
    const rebased = rebaseChange(amendment.baseText, amendment.proposedText, text);
    if (rebased.clean) inPlace(clause, item, rebased.text, decorations);
    else
      afterClause(
        clause,
        item,
        '— tabled against an earlier text; it no longer applies cleanly',
        decorations,
      );
  }
}

function proposalDecorations(
  clause: ClauseRange,
  kind: AmendmentKind,
  element: HTMLElement,
  decorations: Decoration[],
): void {
  if (kind === 'insert') {
    decorations.push(
      Decoration.widget(clause.to, () => element, {
        ...widgetSpec('proposal:after', 1),
        stopEvent: () => true,
      }),
    );
    return;
  }
  decorations.push(Decoration.node(clause.from, clause.to, { class: 'is-proposing' }));
  decorations.push(
    Decoration.widget(clause.from + 1, () => element, {
      ...widgetSpec('proposal:in', -1),
      stopEvent: () => true,
    }),
  );
}

/** Every amendment decoration of `doc`; `proposalElement` holds the proposal editor (rendered by React). */
export function buildAmendmentDecorations(
  doc: ProseMirrorNode,
  model: AmendmentViewModel,
  proposalElement: HTMLElement,
): DecorationSet {
  if (model.inline.length === 0 && !model.proposal) return DecorationSet.empty;
  const byClause = new Map<string, InlineAmendment[]>();
  for (const item of model.inline) {
    const list = byClause.get(item.amendment.clauseId);
    if (list) list.push(item);
    else byClause.set(item.amendment.clauseId, [item]);
  }
  const decorations: Decoration[] = [];
  for (const clause of clauseRanges(doc)) {
    if (model.proposal?.clauseId === clause.id) {
      proposalDecorations(clause, model.proposal.kind, proposalElement, decorations);
    }
    const items = byClause.get(clause.id);
    if (items) inlineDecorations(clause, items, decorations);
  }
  return DecorationSet.create(doc, decorations);
}
