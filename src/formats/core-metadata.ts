/**
 * Core metadata files (PKG-INFO in an sdist, METADATA in a wheel) read the way Python's email
 * parser reads them, since that is how pip, packaging and importlib.metadata read them: lines end
 * at `\r\n`, `\r` or `\n`; a header line is a name of printable ASCII without a colon, then a
 * colon; a line starting with a space or a tab continues the header before it; the first line that
 * is neither (or an empty line) ends the headers, and everything after it is the body. A reader
 * that split only on `\n` could be shown one header while an installer sees another.
 */
export interface CoreMetadata {
  /** Every header in file order, names as written. */
  headers: readonly { name: string; value: string }[];
  /** The body after the headers (the long description in Metadata-Version 2.1 and later). */
  body: string;
}

export class CoreMetadataError extends Error {}

const LINE_END = /\r\n|\r|\n/;
// The email package's headerRE (feedparser.py), without its "From " special case.
const HEADER = /^([\x21-\x39\x3b-\x7e]*):(.*)$/s;

export function parseCoreMetadata(input: Buffer | string): CoreMetadata {
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  const headers: { name: string; value: string }[] = [];
  const lines = text.split(LINE_END);
  let index = 0;
  for (; index < lines.length; index++) {
    const line = lines[index]!;
    if (line === '') {
      index++;
      break;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last.value = `${last.value}\n${line}`;
      continue;
    }
    const match = HEADER.exec(line);
    // Not a header: the email parser starts the body here (MissingHeaderBodySeparatorDefect).
    if (!match) break;
    headers.push({ name: match[1]!, value: match[2]!.replace(/^[ \t]+/, '') });
  }
  return { headers, body: lines.slice(index).join('\n') };
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CoreMetadataError('the file is not valid UTF-8');
  }
}

/** Every value of a header, by name in any case, in file order. */
export function values(metadata: CoreMetadata, name: string): string[] {
  const wanted = name.toLowerCase();
  return metadata.headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}

/**
 * The long description, wherever this era wrote it: the body (Metadata-Version 2.1 and later), or
 * a `Description:` header whose continuation lines setuptools indented by eight spaces. Trailing
 * line ends are the writer's, not the text's, and are dropped (setuptools appended one or two).
 */
export function longDescription(metadata: CoreMetadata): { text: string; where: 'body' | 'header' } | undefined {
  const header = values(metadata, 'Description');
  if (header.length > 0) {
    const [first = '', ...rest] = header[0]!.split('\n');
    return {
      text: [first, ...rest.map((line) => line.replace(/^ {8}|^\t/, ''))].join('\n').replace(/\n+$/, ''),
      where: 'header',
    };
  }
  const body = metadata.body.replace(/\n+$/, '');
  return body === '' ? undefined : { text: body, where: 'body' };
}
