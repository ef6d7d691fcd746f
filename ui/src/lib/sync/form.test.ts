// The sync form model. The Sync screen's start on a first visit: the saved sync defaults as form
// values, and whether values kept from an earlier visit exist (they win); the Region shape check.
// Settings' sync defaults draft: adding typed names, the core's checks made first, what is saved
// (with what is still typed), the Regions the profiles suggest, and the refusal's field.
import { afterEach, describe, expect, it } from 'vitest';
import { sampleAwsProfiles } from '../../test/fixtures';
import {
  addNames,
  checkDraft,
  draftFrom,
  formFromDefaults,
  hasSavedForm,
  isRegionName,
  profileProblem,
  refusedSyncField,
  regionProblem,
  regionSuggestions,
  saveForm,
  toggle,
} from './form';

afterEach(() => localStorage.clear());

describe('formFromDefaults', () => {
  it('fills the fields from the saved defaults, sources in the form order', () => {
    expect(
      formFromDefaults({ profiles: ['prod-audit', 'sandbox'], regions: ['eu-west-1', 'us-east-1'], sources: ['config', 'securityhub'] }),
    ).toEqual({ profiles: 'prod-audit sandbox', regions: 'eu-west-1 us-east-1', sources: ['securityhub', 'config'] });
  });

  it('checks every source when none is saved (an empty list means all three)', () => {
    expect(formFromDefaults({ profiles: [], regions: [], sources: [] })).toEqual({
      profiles: '',
      regions: '',
      sources: ['securityhub', 'inspector', 'config'],
    });
  });
});

describe('hasSavedForm', () => {
  it('is false on a first visit and true once the form kept its values', () => {
    expect(hasSavedForm()).toBe(false);
    saveForm({ profiles: '', regions: '', sources: ['config'] });
    expect(hasSavedForm()).toBe(true);
  });
});

describe('isRegionName', () => {
  it.each([
    ['us-east-1', true],
    ['eu-central-2', true],
    ['us-gov-west-1', true],
    ['ap-southeast-5', true],
    ['eu-west', false],
    ['EU-WEST-1', false],
    ['eu-west-100', false],
    ['e-west-1', false],
    ['eu--1', false],
    ['', false],
  ])('%s → %s', (name, ok) => {
    expect(isRegionName(name)).toBe(ok);
  });
});

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
    expect(
      refusedSyncField({
        code: 'bad_request',
        field: 'sync.regions',
        message: 'sync.regions: "eu-west" is not an AWS Region name such as eu-west-1',
      }),
    ).toBe('regions');
    expect(refusedSyncField({ code: 'bad_request', field: 'sync.sources', message: 'sync.sources: "guardduty" is not a source' })).toBe(
      'sources',
    );
    expect(refusedSyncField({ code: 'bad_request', field: 'by', message: 'by: required' })).toBeNull();
  });
});
