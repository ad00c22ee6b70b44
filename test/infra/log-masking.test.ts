// The logs' data-protection policy (infra/constructs/dangvien-function.ts) finds every
// profile field (docs/events.md#the-profile, §11) in the two shapes a mistake would log it in: plain
// JSON, and JSON escaped inside a logged string; and each pattern is one CloudWatch Logs
// accepts (at most 200 characters, from its short list of allowed characters).
import { describe, expect, it } from 'vitest';
import { profileFieldPattern } from '../../infra/constructs/dangvien-function.js';
import { PROFILE_FIELDS } from '../../shared/domain/personal-data.js';
import type { Profile } from '../../shared/domain/records.js';

const profile: Required<Profile> = {
  fullName: 'Hoàng Thị Mai Lan',
  sex: 'female',
  birthDate: '1990-02-03',
  ethnicity: 'Tày',
  religion: 'Phật giáo',
  education: 'university',
  occupation: 'private-enterprise',
  youthUnion: true,
};

/** What CloudWatch Logs would leave of a line: every match of every identifier masked. */
function masked(line: string): string {
  return PROFILE_FIELDS.reduce((text, field) => text.replace(new RegExp(profileFieldPattern(field), 'g'), '****'), line);
}

describe('the log data-protection policy', () => {
  const plain = JSON.stringify({ level: 'ERROR', message: 'oops', profile });
  const escaped = JSON.stringify({ level: 'ERROR', message: `failed on ${JSON.stringify({ data: { profile } })}` });
  const values = Object.values(profile).map((v) => JSON.stringify(v).replaceAll('"', ''));

  it.each(PROFILE_FIELDS.map((field) => [field]))('masks %s, plain and escaped', (field) => {
    // Prepare: a line with only that field
    const value = profile[field];
    const lines = [JSON.stringify({ [field]: value }), JSON.stringify({ message: JSON.stringify({ [field]: value }) })];
    // Act / Assess: the field's value is gone from both shapes
    for (const line of lines) expect(masked(line), line).not.toContain(String(value).split(' ')[0]);
  });

  it.each(PROFILE_FIELDS.map((field) => [field]))('writes the pattern for %s in characters CloudWatch Logs accepts', (field) => {
    const pattern = profileFieldPattern(field);
    expect(pattern.length).toBeLessThanOrEqual(200);
    expect(pattern).toMatch(/^[A-Za-z0-9_#=@/;, \-^$?[\]{}|\\*+.]+$/);
  });

  it('leaves nothing of a whole profile, plain or escaped, and keeps the rest of the line', () => {
    // Act
    const lines = [masked(plain), masked(escaped)];
    // Assess
    for (const line of lines) {
      for (const v of values) expect(line).not.toContain(v === 'true' ? '"youthUnion":true' : v);
      expect(line).toContain('ERROR');
    }
    // A null religion is masked too
    expect(masked(JSON.stringify({ religion: null }))).toBe('{****}');
    // NFD text (another system's Vietnamese) is masked as well
    expect(masked(JSON.stringify({ fullName: profile.fullName.normalize('NFD') }))).not.toContain('Ho');
  });
});
