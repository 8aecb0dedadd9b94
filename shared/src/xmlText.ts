/**
 * Characters XML 1.0 does not allow in a document: C0 controls other than
 * tab, line feed and carriage return, the non-characters U+FFFE and U+FFFF,
 * and lone UTF-16 surrogates. One of them in a DOCX part makes the part not
 * well-formed (Word and LibreOffice refuse the file), so request bodies with
 * one are refused (`xmlText`) and the exports replace them (`xmlSafeText`).
 */
import type { z } from 'zod';

const FORBIDDEN_SOURCE =
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';

/** Whether `text` holds a character XML 1.0 does not allow. */
export function hasXmlForbiddenCharacter(text: string): boolean {
  return new RegExp(FORBIDDEN_SOURCE).test(text);
}

/** `text` with every character XML 1.0 does not allow replaced by U+FFFD (so nothing is silently lost). */
export function xmlSafeText(text: string): string {
  return text.replace(new RegExp(FORBIDDEN_SOURCE, 'g'), '\uFFFD');
}

/** The characters XML 1.0 does not allow that `text` holds, each once. */
export function xmlForbiddenCharacters(text: string): Set<string> {
  return new Set(text.match(new RegExp(FORBIDDEN_SOURCE, 'g')) ?? []);
}

export const XML_FORBIDDEN_MESSAGE =
  'The text contains a control character or a non-character (such as U+FFFF) that documents cannot hold. Remove it.';

/** A zod string refinement: refuses (400) text with a character XML 1.0 does not allow. */
export function xmlText<T extends z.ZodType<string>>(schema: T) {
  return schema.refine((text) => !hasXmlForbiddenCharacter(text), { message: XML_FORBIDDEN_MESSAGE });
}
