// The sync defaults draft as plain functions: adding typed names, the core's checks made first,
// what is saved (with what is still typed), the Regions the profiles suggest, and the refusal's field.
import { describe, expect, it } from 'vitest';
import { sampleAwsProfiles } from '../../test/fixtures';
import { formatSize } from './size';
import {
  addNames,
  checkDraft,
  draftFrom,
  profileProblem,
  refusedSyncField,
  regionProblem,
  regionSuggestions,
  toggle,
} from './syncDefaults';

describe('sync defaults draft', () => {
  it('starts from the saved defaults, sources in the form order', () => {
    expect(draftFrom({ profiles: ['prod'], regions: ['eu-west-1'], sources: ['config', 'inspector'] })).toEqual({
      profiles: ['prod'],
      regions: ['eu-west-1'],
      sources: ['inspector', 'config'],
      profileText: '',
      regionText: '',
    });
  });

  it('adds typed names (several at once), dropping repeats, or refuses them all with the first problem', () => {
    expect(addNames(['eu-west-1'], ' us-east-1, eu-west-1  ap-south-1 ', regionProblem)).toEqual({
      list: ['eu-west-1', 'us-east-1', 'ap-south-1'],
      error: null,
    });
    expect(addNames(['eu-west-1'], 'us-east-1 eu-west', regionProblem)).toEqual({
      list: ['eu-west-1'],
      error: '"eu-west" is not an AWS Region name such as eu-west-1.',
    });
    expect(addNames([], '', regionProblem)).toEqual({ list: [], error: null });
    expect(profileProblem('x'.repeat(129))).toMatch(/at most 128 characters/);
    expect(profileProblem('prod-audit')).toBeNull();
    expect(toggle(['a', 'b'], 'a')).toEqual(['b']);
    expect(toggle(['b'], 'a')).toEqual(['b', 'a']);
  });

  it('saves the lists with what is still typed, or says what is wrong per list', () => {
    expect(
      checkDraft({ profiles: ['prod'], regions: ['eu-west-1'], sources: ['config'], profileText: 'audit', regionText: 'us-east-1' }),
    ).toEqual({ defaults: { profiles: ['prod', 'audit'], regions: ['eu-west-1', 'us-east-1'], sources: ['config'] }, errors: {} });
    expect(checkDraft({ profiles: [], regions: [], sources: [], profileText: '', regionText: 'EU-WEST-1' })).toEqual({
      defaults: null,
      errors: { regions: '"EU-WEST-1" is not an AWS Region name such as eu-west-1.' },
    });
    // Empty lists are the standard choice, not a mistake.
    expect(checkDraft(draftFrom({ profiles: [], regions: [], sources: [] }))).toEqual({
      defaults: { profiles: [], regions: [], sources: [] },
      errors: {},
    });
  });

  it('suggests the profiles’ Regions not chosen yet, each once', () => {
    const profiles = [...sampleAwsProfiles(), { name: 'second', region: 'us-east-1', sso: false }];
    expect(regionSuggestions(profiles, [])).toEqual(['us-east-1', 'eu-west-1']);
    expect(regionSuggestions(profiles, ['us-east-1'])).toEqual(['eu-west-1']);
  });

  it('finds the list a refusal from the core names', () => {
    expect(refusedSyncField('sync.regions: "eu-west" is not an AWS Region name such as eu-west-1')).toBe('regions');
    expect(refusedSyncField('sync.sources: "guardduty" is not a source')).toBe('sources');
    expect(refusedSyncField('by: required')).toBeNull();
  });
});

describe('formatSize', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [1023, '1023 bytes'],
    [1536, '1.5 KB'],
    [48_758_784, '47 MB'],
    [3 * 1024 ** 3, '3.0 GB'],
  ])('%d → %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
