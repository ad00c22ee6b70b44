// Valid example events for tests. The defaults tell one coherent story, so that tests
// can send them in sequence and get a consistent state:
//   orgs HP (province) > Q1 (upper-grassroots) > C1, C2 (grassroots cells);
//   person M1 is listed in C1's candidate pool on 2020-09-01 (class certificate
//   2020-10-15; a drop would be dated 2020-12-01), files dossier D1 in C1 on 2021-01-04,
//   is admitted as member M1 in C1 on 2021-03-02 (ceremony 2021-03-10), the party file
//   filed 2021-04-05, recognized 2022-03-10, card 2022-04-15, rated, exempted, exits;
//   transfer T1 moves M1 officially from C1 to C2 (issued 2022-06-01, received 2022-06-10).
// `member.imported` and `member.badgeAwarded` describe M1 as a legacy member instead
// (admitted 1991), since a badge needs 30 years of membership.

import type { EventOf, EventType, Profile } from '../../shared/domain/events/index.js';

/** Org ids of the example hierarchy. */
export const ORGS = { province: 'HP', district: 'Q1', cell: 'C1', otherCell: 'C2', external: 'EXT-DN' } as const;

/** A full valid profile (NFC), with the given fields replaced. */
export function validProfile(overrides: Partial<Profile> = {}): Profile {
  return dropUndefined({
    fullName: 'Nguyễn Văn An',
    sex: 'male',
    birthDate: '1995-05-20',
    ethnicity: 'Kinh',
    religion: null,
    education: 'university',
    occupation: 'state-sector',
    youthUnion: true,
    ...overrides,
  });
}

type DataOf<T extends EventType> = EventOf<T>['data'];

/** Default `data` and business-day `occurredAt` of each type. */
const DEFAULTS: { [T in EventType]: { occurredAt: string; data: () => DataOf<T> } } = {
  'org.registered': {
    occurredAt: '2020-12-01T08:00:00+07:00',
    data: () => ({ orgId: 'C1', parentId: 'Q1', name: 'Chi bộ Khu phố 1', level: 'grassroots-cell' }),
  },
  'org.renamed': {
    occurredAt: '2021-02-01T08:00:00+07:00',
    data: () => ({ orgId: 'C1', name: 'Chi bộ Tổ dân phố 1' }),
  },
  'org.moved': {
    occurredAt: '2025-07-01T08:00:00+07:00',
    data: () => ({ orgId: 'C1', parentId: 'HP' }),
  },
  'org.dissolved': {
    occurredAt: '2025-07-01T08:00:00+07:00',
    data: () => ({ orgId: 'C2', on: '2025-07-01', mergedInto: 'C1' }),
  },
  'target.set': {
    occurredAt: '2021-01-02T08:00:00+07:00',
    data: () => ({ orgId: 'HP', year: 2021, admissions: 1000 }),
  },
  'org.updated': {
    occurredAt: '2021-02-01T08:00:00+07:00',
    data: () => ({ orgId: 'C1', sector: 'private-enterprise' }),
  },
  'org.evaluated': {
    occurredAt: '2022-01-10T08:00:00+07:00',
    data: () => ({ orgId: 'C1', year: 2021, rating: 'good' }),
  },
  'dossier.received': {
    occurredAt: '2021-01-04T09:00:00+07:00',
    data: () => ({ dossierId: 'D1', personId: 'M1', orgId: 'C1', receivedOn: '2021-01-04', profile: validProfile() }),
  },
  'dossier.stepCompleted': {
    occurredAt: '2021-01-11T09:00:00+07:00',
    data: () => ({ dossierId: 'D1', step: 'processing', on: '2021-01-11' }),
  },
  'dossier.closed': {
    occurredAt: '2021-02-15T09:00:00+07:00',
    data: () => ({ dossierId: 'D1', outcome: 'withdrawn', on: '2021-02-15', note: 'Đương sự xin rút hồ sơ' }),
  },
  'candidate.listed': {
    occurredAt: '2020-09-01T09:00:00+07:00',
    data: () => ({ personId: 'M1', orgId: 'C1', on: '2020-09-01', profile: validProfile(), nominatedBy: 'youth-union' }),
  },
  'candidate.classCompleted': {
    occurredAt: '2020-10-15T09:00:00+07:00',
    data: () => ({ personId: 'M1', classId: 'NTVD-2020-05', on: '2020-10-15' }),
  },
  'candidate.dropped': {
    occurredAt: '2020-12-01T09:00:00+07:00',
    data: () => ({ personId: 'M1', on: '2020-12-01', reason: 'withdrew' }),
  },
  'member.admitted': {
    occurredAt: '2021-03-02T09:15:00+07:00',
    data: () => ({
      memberId: 'M1',
      orgId: 'C1',
      admittedOn: '2021-03-02',
      ceremonyOn: '2021-03-10',
      profile: validProfile(),
    }),
  },
  'member.imported': {
    occurredAt: '2021-01-02T10:00:00+07:00',
    data: () => ({
      memberId: 'M1',
      orgId: 'C1',
      status: 'official',
      admittedOn: '1991-03-02',
      recognizedOn: '1992-03-02',
      profile: validProfile({ birthDate: '1965-08-19', youthUnion: false, occupation: 'retired' }),
    }),
  },
  'member.recognized': {
    occurredAt: '2022-03-10T09:00:00+07:00',
    data: () => ({ memberId: 'M1', recognizedOn: '2022-03-10' }),
  },
  'member.updated': {
    occurredAt: '2022-04-01T09:00:00+07:00',
    data: () => ({ memberId: 'M1', profile: { education: 'postgraduate' } }),
  },
  'member.exempted': {
    occurredAt: '2023-01-05T09:00:00+07:00',
    data: () => ({ memberId: 'M1', on: '2023-01-05' }),
  },
  'member.exited': {
    occurredAt: '2024-05-20T09:00:00+07:00',
    data: () => ({ memberId: 'M1', reason: 'resigned', on: '2024-05-20' }),
  },
  'member.evaluated': {
    occurredAt: '2021-12-20T09:00:00+07:00',
    data: () => ({ memberId: 'M1', year: 2021, rating: 'good' }),
  },
  'member.badgeAwarded': {
    occurredAt: '2021-09-02T09:00:00+07:00',
    data: () => ({ memberId: 'M1', years: 30, awardedOn: '2021-09-02' }),
  },
  'member.ceremonyHeld': {
    occurredAt: '2021-03-10T09:00:00+07:00',
    data: () => ({ memberId: 'M1', on: '2021-03-10' }),
  },
  'member.recordsFiled': {
    occurredAt: '2021-04-05T09:00:00+07:00',
    data: () => ({ memberId: 'M1', on: '2021-04-05' }),
  },
  'member.cardIssued': {
    occurredAt: '2022-04-15T09:00:00+07:00',
    data: () => ({ memberId: 'M1', on: '2022-04-15' }),
  },
  'transfer.issued': {
    occurredAt: '2022-06-01T09:00:00+07:00',
    data: () => ({ transferId: 'T1', memberId: 'M1', kind: 'official', fromOrgId: 'C1', toOrgId: 'C2', issuedOn: '2022-06-01' }),
  },
  'transfer.received': {
    occurredAt: '2022-06-10T09:00:00+07:00',
    data: () => ({ transferId: 'T1', receivedOn: '2022-06-10' }),
  },
  'transfer.cancelled': {
    occurredAt: '2022-06-05T09:00:00+07:00',
    data: () => ({ transferId: 'T1', on: '2022-06-05' }),
  },
  'transfer.returned': {
    occurredAt: '2022-09-01T09:00:00+07:00',
    data: () => ({ transferId: 'T1', on: '2022-09-01' }),
  },
};

/** What a test may replace: envelope fields, and `data` fields merged over the default. */
export interface EventOverrides<T extends EventType> {
  id?: string;
  occurredAt?: string;
  source?: string;
  /** Merged shallowly over the default data; a key set to `undefined` is removed. */
  data?: Partial<DataOf<T>>;
}

let counter = 0;

/**
 * A valid envelope of `type` with the default example data (see the file header),
 * `overrides` applied. Each call gets a fresh event id (`ev-<type>-<n>`), so events
 * built separately are distinct events; reuse the returned object to send a duplicate.
 * The result is a plain JSON-able object: `JSON.stringify` it to get a message body.
 */
export function validEvent<T extends EventType>(type: T, overrides: EventOverrides<T> = {}): EventOf<T> {
  counter += 1;
  // The mapped table loses the link between T and its entry when indexed generically.
  const def = DEFAULTS[type] as { occurredAt: string; data: () => DataOf<T> };
  return {
    id: overrides.id ?? `ev-${type}-${String(counter)}`,
    type,
    occurredAt: overrides.occurredAt ?? def.occurredAt,
    source: overrides.source ?? 'csdl-dang-vien',
    data: dropUndefined<Record<string, unknown>>({ ...def.data(), ...overrides.data }),
  } as unknown as EventOf<T>;
}

/** The registrations of the example hierarchy HP > Q1 > C1, C2, parents first. */
export function baseOrgs(): EventOf<'org.registered'>[] {
  return [
    validEvent('org.registered', {
      data: { orgId: 'HP', parentId: null, name: 'Đảng bộ thành phố Hải Phòng', level: 'province' },
    }),
    validEvent('org.registered', {
      data: { orgId: 'Q1', parentId: 'HP', name: 'Đảng bộ quận Hồng Bàng', level: 'upper-grassroots' },
    }),
    validEvent('org.registered', {
      data: { orgId: 'C1', parentId: 'Q1', name: 'Chi bộ Khu phố 1', level: 'grassroots-cell' },
    }),
    validEvent('org.registered', {
      data: { orgId: 'C2', parentId: 'Q1', name: 'Chi bộ Khu phố 2', level: 'grassroots-cell' },
    }),
  ];
}

/**
 * A `transfer.received` for an arrival from outside: member M2 (official) comes from
 * the external org EXT-DN into C1 under transfer T2, which was never issued here.
 */
export function validExternalArrival(overrides: EventOverrides<'transfer.received'> = {}): EventOf<'transfer.received'> {
  return validEvent('transfer.received', {
    ...overrides,
    data: {
      transferId: 'T2',
      receivedOn: '2022-07-01',
      fromOrgId: ORGS.external,
      toOrgId: 'C1',
      kind: 'official',
      member: {
        memberId: 'M2',
        status: 'official',
        admittedOn: '2010-05-19',
        recognizedOn: '2011-05-19',
        profile: validProfile({ fullName: 'Trần Thị Bình', sex: 'female', birthDate: '1985-02-14' }),
      },
      ...overrides.data,
    },
  });
}

function dropUndefined<O extends object>(o: O): O {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as O;
}

/** An `org.registered` envelope for a test tree. */
export function registerOrg(
  orgId: string,
  parentId: string | null,
  level: EventOf<'org.registered'>['data']['level'],
): EventOf<'org.registered'> {
  return validEvent('org.registered', { data: { orgId, parentId, name: `Tổ chức ${orgId}`, level } });
}
