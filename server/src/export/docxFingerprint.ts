/**
 * Names the version of a received DOCX: reads the fingerprint printed in its
 * footer ("SHA-256: <64 hex>"). The text is joined per paragraph first, so
 * a footer re-saved by Word, which may cut it into several runs, still reads.
 */
import { readZipTextEntries } from './zipEntries';

const FOOTER_PART = /^word\/footer\d*\.xml$/;
const FINGERPRINT_PATTERN = /SHA-256:\s*([0-9a-f]{64})(?![0-9a-f])/i;

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name] ?? '');
}

/** The text of each `<w:p>` of a WordprocessingML part. */
export function paragraphTexts(xml: string): string[] {
  const paragraphs = xml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? [];
  return paragraphs.map((paragraph) =>
    [...paragraph.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
      .map((match) => decodeXml(match[1] ?? ''))
      .join(''),
  );
}

/** The fingerprint in the footer of a DOCX exported by Draftroom, lower-case; undefined if there is none. */
export function extractFingerprintFromDocx(docx: Uint8Array): string | undefined {
  let footers: Map<string, string>;
  try {
    footers = readZipTextEntries(docx, (name) => FOOTER_PART.test(name));
  } catch {
    return undefined;
  }
  for (const name of [...footers.keys()].sort()) {
    for (const text of paragraphTexts(footers.get(name) ?? '')) {
      const match = FINGERPRINT_PATTERN.exec(text);
      if (match?.[1]) return match[1].toLowerCase();
    }
  }
  return undefined;
}
