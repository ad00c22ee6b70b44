// The README and the producers' guide render and link within the repository: a reader
// who clones it (or browses it on a forge) finds every file a link names, and no code
// block swallows the prose after it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const DOCS = ['README.md', 'docs/producers.md'];

describe.each(DOCS)('%s', (doc) => {
  const text = readFileSync(doc, 'utf8');

  it('opens and closes every code fence on a line of its own', () => {
    // Act: fences must stand alone (an opening one may name a language)
    const fenceLines = text.split('\n').flatMap((line, i) => (line.includes('```') ? [{ line: i + 1, text: line }] : []));
    // Assess
    expect(fenceLines.filter((f) => !/^```[a-z]*$/.test(f.text))).toEqual([]);
    expect(fenceLines.length % 2).toBe(0);
  });

  it('links only to files inside the repository that exist', () => {
    // Prepare: inline links outside code spans and blocks, without their #fragment
    const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    const targets = [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^(https?:|mailto:|#)/.test(t));
    // Act
    const outside = targets.filter((t) => normalize(join(dirname(doc), t)).startsWith('..'));
    const missing = targets.filter((t) => !existsSync(join(dirname(doc), t.split('#')[0]!)));
    // Assess
    expect(targets.length).toBeGreaterThan(0);
    expect(outside).toEqual([]);
    expect(missing).toEqual([]);
  });
});
