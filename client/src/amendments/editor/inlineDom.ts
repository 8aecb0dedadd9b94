/**
 * The DOM of amendments drawn into the live text under "Show amendments"
 * (widget decorations: never part of the document): inserted words, labels
 * ("AM 3 · UA"), and whole blocks for a proposed new clause or for an
 * amendment tabled against an earlier text. Colours come from the proponent
 * delegation (`--am-color`); the kind of change is also said in words for
 * screen readers (`.visually-hidden`), so it never relies on colour alone.
 */
import { PARAGRAPH_BREAK, PILCROW, type RedlineSegment } from '@draftroom/shared';

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function hidden(text: string): HTMLElement {
  return element('span', 'visually-hidden', text);
}

/** The colour variable of a delegation, as a `style` attribute value. */
export function colorStyle(color: string): string {
  return `--am-color: ${color}`;
}

/** Words an amendment would insert at this place. */
export function insertedWords(text: string, color: string, title: string): HTMLElement {
  const ins = element('ins', 'am-inline am-inline--ins');
  ins.setAttribute('style', colorStyle(color));
  ins.title = title;
  ins.append(hidden(' [inserted: '), text, hidden('] '));
  return ins;
}

/** The ¶ of a paragraph break an amendment would delete (a join), at the end of its paragraph. */
export function deletedBreak(color: string, title: string): HTMLElement {
  const del = element('del', 'am-inline am-inline--del');
  del.setAttribute('style', colorStyle(color));
  del.title = title;
  const mark = element('span', '', PILCROW);
  mark.setAttribute('aria-hidden', 'true');
  del.append(mark, hidden(' [paragraph break deleted] '));
  return del;
}

/** "AM 3 · UA" before an amendment's first change. */
export function amendmentLabel(text: string, color: string): HTMLElement {
  const label = element('span', 'am-inline-label', text);
  label.setAttribute('style', colorStyle(color));
  return label;
}

/** A redline as paragraphs of DOM: inserted words in <ins>, deleted in <del>. */
function redlineBlock(segments: readonly RedlineSegment[]): HTMLElement {
  const body = element('div', 'am-inline-block__text');
  let paragraph = element('p', 'am-inline-block__paragraph');
  body.append(paragraph);
  for (const segment of segments) {
    segment.text.split(PARAGRAPH_BREAK).forEach((part, index) => {
      if (index > 0) {
        if (segment.op !== 'equal') paragraph.append(changed(segment.op, PILCROW));
        paragraph = element('p', 'am-inline-block__paragraph');
        body.append(paragraph);
      }
      if (part) paragraph.append(segment.op === 'equal' ? part : changed(segment.op, part));
    });
  }
  return body;
}

function changed(op: 'insert' | 'delete', text: string): HTMLElement {
  const node = element(
    op === 'insert' ? 'ins' : 'del',
    `am-inline am-inline--${op === 'insert' ? 'ins' : 'del'}`,
  );
  node.append(hidden(op === 'insert' ? ' [inserted: ' : ' [deleted: '), text, hidden('] '));
  return node;
}

/**
 * A block after a clause: a proposed new clause, or an amendment whose clause
 * changed since it was tabled (its redline against the text it was tabled on).
 */
export function amendmentBlock(
  label: string,
  note: string,
  segments: readonly RedlineSegment[],
  color: string,
): HTMLElement {
  const block = element('div', 'am-inline-block');
  block.setAttribute('style', colorStyle(color));
  const header = element('p', 'am-inline-block__header');
  header.append(amendmentLabel(label, color), ` ${note}`);
  block.append(header, redlineBlock(segments));
  return block;
}
