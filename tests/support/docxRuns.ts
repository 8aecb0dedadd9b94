/**
 * Reading WordprocessingML runs (`<w:r>`) back as text, for the tests of
 * the DOCX exports: a run's properties and the text it spells.
 */

/** A w:t's text with the five XML entities decoded. */
export function decodeXmlText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** What a run's `<w:rPr>` holds ('' when it has none). */
export function runProperties(runXml: string): string {
  return /<w:rPr>([\s\S]*?)<\/w:rPr>/.exec(runXml)?.[1] ?? '';
}

/** The text a run spells: its `<w:t>` texts decoded, a `<w:tab/>` as "\t", a `<w:br/>` as "\n". */
export function runText(runXml: string): string {
  return [...runXml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:br\/>/g)]
    .map((piece) =>
      piece[0] === '<w:tab/>' ? '\t' : piece[0] === '<w:br/>' ? '\n' : decodeXmlText(piece[1] ?? ''),
    )
    .join('');
}
