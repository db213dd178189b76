import { describe, expect, it } from 'vitest';
import { escapeTerminal } from '../../src/report/escape.js';
import { type RunReport, sourceOf } from '../../src/report/model.js';
import { StringSink } from '../../src/report/sink.js';
import { writeText } from '../../src/report/text.js';
import { reportHead } from '../helpers/report.js';

describe('attacker-controlled text on a terminal (threat catalog X-02)', () => {
  it('shows control characters and bidirectional overrides as escapes', () => {
    expect(escapeTerminal('pkg/\u001b[2J\u202eyp.txt\u0000')).toBe('pkg/\\x1b[2J\\u202eyp.txt\\x00');
    expect(escapeTerminal('caf\u00e9 \u2297 ok')).toBe('caf\u00e9 \u2297 ok');
  });

  it('escapes every field of a check in the text report, whatever a server put there', async () => {
    const hostile = 'evil\u001b[2J\u202egpj.py';
    const report: RunReport = {
      ...reportHead(),
      releases: [
        {
          version: `1.0${hostile}`,
          verdict: 'fail',
          checks: [
            {
              id: 'content.sdist.archive',
              status: 'fail',
              channel: 'content',
              message: hostile,
              reason: 'ARCHIVE_PATH_INVALID',
              expected: hostile,
              actual: hostile,
              url: `https://x/${hostile}`,
              file: hostile,
            },
          ],
          differences: [
            {
              check: 'content.sdist-vs-git',
              path: hostile,
              kind: 'content',
              digests: { sdist: hostile },
              allowed: false,
              detail: hostile,
            },
          ],
          checksumSigners: [],
          tagSigners: [],
          artifacts: [],
        },
      ],
    };
    const sink = new StringSink();
    await writeText(sourceOf(report), sink, { color: false });
    const text = sink.toString();
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('evil\\x1b[2J\\u202egpj.py');
  });
});
