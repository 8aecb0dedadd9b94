/**
 * The formatting and structure toolbar. One tab stop (arrow keys move between
 * buttons, as in a WAI-ARIA toolbar); every button has an aria-label and a
 * keyboard shortcut. Editing buttons are disabled for read-only roles.
 */
import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';
import { type KeyboardEvent, type ReactNode, useRef, useState } from 'react';
import { cursorCutsClause } from '../editor/clauseCommands';
import { ariaShortcut, shortcutLabel } from '../keyboard';
import {
  BoldIcon,
  BulletListIcon,
  HeadingIcon,
  ItalicIcon,
  NewClauseIcon,
  NewSectionIcon,
  OrderedListIcon,
  RedoIcon,
  UndoIcon,
} from './icons';

interface ToolbarButtonSpec {
  label: string;
  /** A key that stays when the label changes with the cursor (so a focused button keeps focus). */
  key?: string;
  shortcut: string;
  icon: ReactNode;
  /** Text shown next to the icon (structure buttons). */
  text?: string;
  /** Show the shortcut on the button itself, not only in its tooltip. */
  showShortcut?: boolean;
  active?: boolean;
  enabled: boolean;
  run: () => unknown;
}

function readToolbarState(editor: Editor) {
  const can = editor.can();
  return {
    bold: editor.isActive('bold'),
    italic: editor.isActive('italic'),
    heading: editor.isActive('heading', { level: 2 }),
    bulletList: editor.isActive('bulletList'),
    orderedList: editor.isActive('orderedList'),
    canBold: can.toggleBold(),
    canItalic: can.toggleItalic(),
    canHeading: can.toggleHeading({ level: 2 }),
    canBulletList: can.toggleBulletList(),
    canOrderedList: can.toggleOrderedList(),
    canUndo: can.undo(),
    canRedo: can.redo(),
    canSplitClause: can.splitClause(),
    cutsClause: cursorCutsClause(editor.state),
  };
}

type ToolbarState = ReturnType<typeof readToolbarState>;
type Chain = () => ReturnType<Editor['chain']>;

/** Bold, italic, heading, bullet and numbered lists. */
function formattingButtons(state: ToolbarState, chain: Chain): ToolbarButtonSpec[][] {
  const button = (
    label: string,
    shortcut: string,
    icon: ReactNode,
    active: boolean,
    enabled: boolean,
    run: () => boolean,
  ): ToolbarButtonSpec => ({ label, shortcut, icon, active, enabled, run });
  return [
    [
      button('Bold', 'Mod-b', <BoldIcon />, state.bold, state.canBold, () => chain().toggleBold().run()),
      button('Italic', 'Mod-i', <ItalicIcon />, state.italic, state.canItalic, () =>
        chain().toggleItalic().run(),
      ),
      button('Heading', 'Mod-Alt-2', <HeadingIcon />, state.heading, state.canHeading, () =>
        chain().toggleHeading({ level: 2 }).run(),
      ),
    ],
    [
      button('Bullet list', 'Mod-Shift-8', <BulletListIcon />, state.bulletList, state.canBulletList, () =>
        chain().toggleBulletList().run(),
      ),
      button(
        'Numbered list',
        'Mod-Shift-7',
        <OrderedListIcon />,
        state.orderedList,
        state.canOrderedList,
        () => chain().toggleOrderedList().run(),
      ),
    ],
  ];
}

/** Undo/redo, then the structure commands. */
function historyAndStructureButtons(state: ToolbarState, chain: Chain): ToolbarButtonSpec[][] {
  return [
    [
      {
        label: 'Undo',
        shortcut: 'Mod-z',
        icon: <UndoIcon />,
        enabled: state.canUndo,
        run: () => chain().undo().run(),
      },
      {
        label: 'Redo',
        shortcut: 'Mod-Shift-z',
        icon: <RedoIcon />,
        enabled: state.canRedo,
        run: () => chain().redo().run(),
      },
    ],
    [
      {
        // Enter makes a paragraph inside the clause; this (Ctrl+Enter) makes a new clause from the cursor on.
        key: 'clause',
        label: state.cutsClause ? 'Split clause here' : 'New clause',
        text: state.cutsClause ? 'Split clause' : 'New clause',
        shortcut: 'Mod-Enter',
        showShortcut: true,
        icon: <NewClauseIcon />,
        enabled: state.canSplitClause,
        run: () => chain().splitClause().run(),
      },
      {
        label: 'New section',
        text: 'Section',
        shortcut: 'Mod-Shift-Enter',
        icon: <NewSectionIcon />,
        enabled: true,
        run: () => chain().appendSection().run(),
      },
    ],
  ];
}

function buildGroups(editor: Editor, state: ToolbarState, editable: boolean): ToolbarButtonSpec[][] {
  const chain: Chain = () => editor.chain().focus();
  const groups = [...formattingButtons(state, chain), ...historyAndStructureButtons(state, chain)];
  return groups.map((group) => group.map((button) => ({ ...button, enabled: editable && button.enabled })));
}

const NAVIGATION_KEYS = ['ArrowLeft', 'ArrowRight', 'Home', 'End'];

/** The label of the button that arrow keys, Home or End move to from `current`. */
function nextButtonLabel(
  key: string,
  enabledLabels: string[],
  current: string | undefined,
): string | undefined {
  const index = current ? enabledLabels.indexOf(current) : -1;
  const count = enabledLabels.length;
  if (key === 'Home') return enabledLabels[0];
  if (key === 'End') return enabledLabels[count - 1];
  if (key === 'ArrowRight') return enabledLabels[(index + 1) % count];
  return enabledLabels[(index - 1 + count) % count];
}

function ToolbarButton({ spec, tabbable }: { spec: ToolbarButtonSpec; tabbable: boolean }) {
  const shortcut = shortcutLabel(spec.shortcut);
  return (
    <button
      type="button"
      className={`toolbar__button${spec.text ? ' toolbar__button--labelled' : ''}`}
      aria-label={spec.label}
      aria-pressed={spec.active === undefined ? undefined : spec.active}
      aria-keyshortcuts={ariaShortcut(spec.shortcut)}
      title={`${spec.label} (${shortcut})`}
      disabled={!spec.enabled}
      tabIndex={tabbable ? 0 : -1}
      // Keep the editor's selection: run on click without taking focus on mouse down.
      onMouseDown={(event) => event.preventDefault()}
      onClick={spec.run}
    >
      {spec.icon}
      {spec.text ? <span className="toolbar__text">{spec.text}</span> : null}
      {spec.showShortcut ? <kbd className="toolbar__shortcut">{shortcut}</kbd> : null}
    </button>
  );
}

export function Toolbar({ editor, editable }: { editor: Editor; editable: boolean }) {
  const toolbarRef = useRef<HTMLDivElement>(null);
  const [focusedLabel, setFocusedLabel] = useState<string>();
  const state = useEditorState({ editor, selector: ({ editor: current }) => readToolbarState(current) });
  const groups = buildGroups(editor, state, editable);
  const enabledLabels = groups.flat().flatMap((button) => (button.enabled ? [button.label] : []));
  const tabbableLabel =
    focusedLabel && enabledLabels.includes(focusedLabel) ? focusedLabel : enabledLabels[0];

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!NAVIGATION_KEYS.includes(event.key) || enabledLabels.length === 0) return;
    event.preventDefault();
    const next = nextButtonLabel(event.key, enabledLabels, tabbableLabel);
    setFocusedLabel(next);
    toolbarRef.current?.querySelector<HTMLButtonElement>(`button[aria-label="${next}"]`)?.focus();
  };

  return (
    <div
      ref={toolbarRef}
      className="toolbar"
      role="toolbar"
      aria-label="Formatting and structure"
      aria-controls="draft-editor"
      onKeyDown={onKeyDown}
    >
      {groups.map((group) => (
        <div className="toolbar__group" key={group[0]?.key ?? group[0]?.label}>
          {group.map((spec) => (
            <ToolbarButton key={spec.key ?? spec.label} spec={spec} tabbable={spec.label === tabbableLabel} />
          ))}
        </div>
      ))}
    </div>
  );
}
