/**
 * Splits a stream of byte chunks into lines without decoding them: the callback gets the buffer and the byte range
 * of each line (without `\n` or a trailing `\r`) and its 1-based line number. A line split across two chunks is
 * stitched into a small buffer of its own; everything else is scanned in place.
 */
export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number) => void;

export class LineScanner {
  private carry: Buffer | null = null;
  private lineNo = 0;

  constructor(private readonly onLine: LineHandler) {}

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.carry !== null) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const line = Buffer.concat([this.carry, chunk.subarray(0, nl)]);
      this.carry = null;
      this.emit(line, 0, line.length);
      pos = nl + 1;
    }
    const n = chunk.length;
    while (pos < n) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) {
        this.carry = Buffer.from(chunk.subarray(pos));
        return;
      }
      this.emit(chunk, pos, nl);
      pos = nl + 1;
    }
  }

  /** Emits a last line that had no newline. */
  end(): void {
    if (this.carry !== null && this.carry.length > 0) this.emit(this.carry, 0, this.carry.length);
    this.carry = null;
  }

  get lines(): number {
    return this.lineNo;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    this.lineNo++;
    if (end > start && buf[end - 1] === 13) end--;
    this.onLine(buf, start, end, this.lineNo);
  }
}
