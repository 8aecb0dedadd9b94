/**
 * The updates an observer received, kept as length-prefixed bytes in one
 * growing buffer (millions of small Uint8Arrays would cost the load generator
 * more in garbage collection than the receipt itself); replayed into a Y.Doc
 * after the run to check the text.
 */
import * as Y from 'yjs';

export class UpdateLog {
  private bytes = new Uint8Array(1 << 20);
  private length = 0;
  count = 0;

  append(update: Uint8Array): void {
    const needed = this.length + 4 + update.byteLength;
    if (needed > this.bytes.byteLength) {
      const grown = new Uint8Array(Math.max(needed, this.bytes.byteLength * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    new DataView(this.bytes.buffer).setUint32(this.length, update.byteLength);
    this.bytes.set(update, this.length + 4);
    this.length = needed;
    this.count++;
  }

  /** Applies every update, in order, to `doc` in one transaction. */
  replayInto(doc: Y.Doc): void {
    const view = new DataView(this.bytes.buffer);
    doc.transact(() => {
      for (let offset = 0; offset < this.length; ) {
        const size = view.getUint32(offset);
        Y.applyUpdate(doc, this.bytes.subarray(offset + 4, offset + 4 + size));
        offset += 4 + size;
      }
    });
  }
}
