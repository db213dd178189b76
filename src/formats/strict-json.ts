/**
 * A JSON parser for untrusted documents (threat catalog J-03): JSON.parse keeps the last of two
 * duplicate keys where other parsers keep the first, and turns "__proto__" into a prototype
 * change on later copies. This one rejects both, and bounds nesting depth.
 */
export class StrictJsonError extends Error {}

const MAX_DEPTH = 64;

export function parseStrictJson(text: string): unknown {
  let pos = 0;
  const fail = (what: string): never => {
    throw new StrictJsonError(`${what} at character ${pos}`);
  };
  const skipSpace = () => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\n' || text[pos] === '\r' || text[pos] === '\t'))
      pos++;
  };
  const parseString = (): string => {
    const start = pos;
    pos++; // opening quote
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === '\\') pos++;
      else if (text.charCodeAt(pos) < 0x20) fail('control character in a string');
      pos++;
    }
    if (pos >= text.length) fail('unterminated string');
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const parseValue = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    skipSpace();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const object: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return object;
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') fail('expected a key');
        const key = parseString();
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') fail(`forbidden key "${key}"`);
        if (Object.prototype.hasOwnProperty.call(object, key)) fail(`duplicate key "${key}"`);
        skipSpace();
        if (text[pos] !== ':') fail('expected ":"');
        pos++;
        object[key] = parseValue(depth + 1);
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return object;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const array: unknown[] = [];
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return array;
      }
      for (;;) {
        array.push(parseValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return array;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return parseString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/.exec(
      text.slice(pos, pos + 64),
    );
    if (!literal) fail('unexpected character');
    pos += literal![0].length;
    return JSON.parse(literal![0]);
  };
  const value = parseValue(0);
  skipSpace();
  if (pos !== text.length) fail('trailing data');
  return value;
}
