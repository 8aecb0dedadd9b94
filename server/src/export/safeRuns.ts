/**
 * The one place where text enters the `docx` library: every run of the
 * exports is made here, with the characters XML 1.0 does not allow (C0
 * controls but tab, line feed and carriage return; U+FFFE, U+FFFF; lone
 * surrogates) replaced by U+FFFD — the library writes text as it is given,
 * and one such character makes `word/document.xml` not well-formed (Word
 * and LibreOffice refuse the whole file). Clause text can hold them: a
 * drafter's client writes the Y.Doc directly.
 */
import { xmlSafeText } from '@draftroom/shared';
import { DeletedTextRun, InsertedTextRun, type IRunOptions, type ParagraphChild, TextRun } from 'docx';

export { xmlSafeText };

type Changed<T> = T extends new (options: infer O) => unknown ? O : never;

function safeOptions<T extends IRunOptions>(options: T): T {
  return {
    ...options,
    ...(typeof options.text === 'string' ? { text: xmlSafeText(options.text) } : {}),
    ...(options.children
      ? {
          children: options.children.map((child) => (typeof child === 'string' ? xmlSafeText(child) : child)),
        }
      : {}),
  };
}

/** A `TextRun` whose text can be written as XML. */
export function safeRun(options: string | IRunOptions): TextRun {
  return new TextRun(typeof options === 'string' ? xmlSafeText(options) : safeOptions(options));
}

/** An `InsertedTextRun` (a tracked insertion) whose text can be written as XML. */
export function safeInsertedRun(options: Changed<typeof InsertedTextRun>): ParagraphChild {
  return new InsertedTextRun(safeOptions(options));
}

/** A `DeletedTextRun` (a tracked deletion) whose text can be written as XML. */
export function safeDeletedRun(options: Changed<typeof DeletedTextRun>): ParagraphChild {
  return new DeletedTextRun(safeOptions(options));
}
