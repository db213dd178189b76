/** Where a report goes, a piece at a time: a file, stdout, or (in tests) a string. */
export interface TextSink {
  write(text: string): Promise<void>;
}

/** A sink that collects what is written, for a report small enough to hold (and for tests). */
export class StringSink implements TextSink {
  private readonly parts: string[] = [];

  async write(text: string): Promise<void> {
    this.parts.push(text);
  }

  toString(): string {
    return this.parts.join('');
  }
}
