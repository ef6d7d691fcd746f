// The sync form model, one for both screens. The Sync screen's: typed lists split, its checks (in
// its words), the request, the remembered values, and its start on a first visit (the saved sync
// defaults as field values, unless values kept from an earlier visit exist); the Region shape
// check. Settings' sync defaults: adding typed names, the core's checks made first (in the core's
// words), what is saved (with what is still typed), the Regions the profiles suggest, and the
// refusal's field.
import { afterEach, describe, expect, it } from 'vitest';
import { sampleAwsProfiles } from '../../test/fixtures';
import {
  addNames,
  allTyped,
  check,
  checkNames,
  DEFAULT_FORM,
  fieldText,
  formFrom,
  hasSavedForm,
  isRegionName,
  loadForm,
  namesIn,
  refusedSyncField,
  regionSuggestions,
  saveForm,
  SETTINGS,
  splitList,
  SYNC_SCREEN,
  toDefaults,
  toggle,
  toggleTyped,
  toRequest,
  type SyncForm,
} from './form';

afterEach(() => localStorage.clear());

const regionProblem = checkNames('regions', SETTINGS);
const profileProblem = checkNames('profiles', SETTINGS);

describe('the Sync screen’s start from the saved defaults', () => {
  it('fills the fields from the saved defaults, sources in the form order', () => {
    expect(
      fieldText(formFrom({ profiles: ['prod-audit', 'sandbox'], regions: ['eu-west-1', 'us-east-1'], sources: ['config', 'securityhub'] }, SYNC_SCREEN)),
    ).toEqual({ profiles: 'prod-audit sandbox', regions: 'eu-west-1 us-east-1', sources: ['securityhub', 'config'] });
  });

  it('checks every source when none is saved (an empty list means all three)', () => {
    expect(fieldText(formFrom({ profiles: [], regions: [], sources: [] }, SYNC_SCREEN))).toEqual({
      profiles: '',
      regions: '',
      sources: ['securityhub', 'inspector', 'config'],
    });
  });
});

describe('hasSavedForm', () => {
  it('is false on a first visit and true once the form kept its values', () => {
    expect(hasSavedForm()).toBe(false);
    saveForm({ ...DEFAULT_FORM, sources: ['config'] });
    expect(hasSavedForm()).toBe(true);
  });
});

describe('the Sync screen’s form', () => {
  it('splits lists on commas and white space, without blanks or repeats', () => {
    expect(splitList(' us-east-1, eu-west-1\n us-east-1 ,, ')).toEqual(['us-east-1', 'eu-west-1']);
    expect(splitList('')).toEqual([]);
  });

  it('checks Region names and that a source is chosen', () => {
    expect(check(DEFAULT_FORM, SYNC_SCREEN).errors).toEqual({});
    expect(check({ ...DEFAULT_FORM, regionText: 'us-east-1 us-gov-west-1 ap-southeast-5' }, SYNC_SCREEN).errors).toEqual({});
    expect(check({ ...DEFAULT_FORM, regionText: 'us-east-1 useast1 EU-WEST-1' }, SYNC_SCREEN).errors.regions).toBe(
      '"useast1", "EU-WEST-1" are not Region names such as us-east-1.',
    );
    expect(check({ ...DEFAULT_FORM, regionText: 'virginia' }, SYNC_SCREEN).errors.regions).toBe(
      '"virginia" is not a Region name such as us-east-1.',
    );
    expect(check({ ...DEFAULT_FORM, sources: [] }, SYNC_SCREEN).errors.sources).toBe('Choose at least one source.');
  });

  it('builds the request with no endpoint, sources in a fixed order', () => {
    expect(
      toRequest({ ...DEFAULT_FORM, profileText: 'prod, audit prod', regionText: 'us-east-1 eu-west-1', sources: ['config', 'securityhub'] }),
    ).toEqual({
      profiles: ['prod', 'audit'],
      regions: ['us-east-1', 'eu-west-1'],
      sources: ['securityhub', 'config'],
      endpoint_url: null,
    });
    expect(toRequest(DEFAULT_FORM)).toEqual({
      profiles: [],
      regions: [],
      sources: ['securityhub', 'inspector', 'config'],
      endpoint_url: null,
    });
  });

  it('remembers the last values, and falls back to the defaults on a damaged preference', () => {
    expect(loadForm()).toEqual(DEFAULT_FORM);
    saveForm({ ...DEFAULT_FORM, profileText: 'prod', regionText: 'eu-west-1', sources: ['inspector'] });
    expect(fieldText(loadForm())).toEqual({ profiles: 'prod', regions: 'eu-west-1', sources: ['inspector'] });
    localStorage.setItem('rampart.sync.form', '{"profiles": 3, "sources": ["nope", "config"]}');
    expect(fieldText(loadForm())).toEqual({ profiles: '', regions: '', sources: ['config'] });
    localStorage.setItem('rampart.sync.form', '{not json');
    expect(loadForm()).toEqual(DEFAULT_FORM);
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
    expect(formFrom({ profiles: ['prod'], regions: ['eu-west-1'], sources: ['config', 'inspector'] }, SETTINGS)).toEqual({
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
    expect(profileProblem(['x'.repeat(129)])).toMatch(/at most 128 characters/);
    expect(profileProblem(['prod-audit'])).toBeNull();
    expect(toggle(['a', 'b'], 'a')).toEqual(['b']);
    expect(toggle(['b'], 'a')).toEqual(['b', 'a']);
  });

  it('saves the lists with what is still typed, or says what is wrong per list', () => {
    expect(
      check({ profiles: ['prod'], regions: ['eu-west-1'], sources: ['config'], profileText: 'audit', regionText: 'us-east-1' }, SETTINGS),
    ).toEqual({ defaults: { profiles: ['prod', 'audit'], regions: ['eu-west-1', 'us-east-1'], sources: ['config'] }, errors: {} });
    expect(check({ profiles: [], regions: [], sources: [], profileText: '', regionText: 'EU-WEST-1' }, SETTINGS)).toEqual({
      defaults: null,
      errors: { regions: '"EU-WEST-1" is not an AWS Region name such as eu-west-1.' },
    });
    // Empty lists are the standard choice, not a mistake.
    expect(check(formFrom({ profiles: [], regions: [], sources: [] }, SETTINGS), SETTINGS)).toEqual({
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

describe('one model for both screens', () => {
  const form: SyncForm = {
    profiles: ['prod', 'audit'],
    regions: ['eu-west-1'],
    sources: ['config'],
    profileText: 'audit, late',
    regionText: '',
  };

  it('stands for the names chosen, then those typed, each once, whichever screen edits it', () => {
    expect(namesIn(form, 'profiles')).toEqual(['prod', 'audit', 'late']);
    expect(toDefaults(form)).toEqual({ profiles: ['prod', 'audit', 'late'], regions: ['eu-west-1'], sources: ['config'] });
    expect(toRequest(form)).toEqual({ ...toDefaults(form), endpoint_url: null });
    // The Sync screen's fields: the same names, all typed.
    expect(allTyped(form)).toEqual({ ...DEFAULT_FORM, sources: ['config'], profileText: 'prod audit late', regionText: 'eu-west-1' });
    expect(toDefaults(allTyped(form))).toEqual(toDefaults(form));
    expect(toggleTyped('typed-one,', 'prod-audit')).toBe('typed-one prod-audit');
    expect(toggleTyped('typed-one prod-audit', 'typed-one')).toBe('prod-audit');
  });

  it('is checked once: the same fields fail on both screens, only the words differ', () => {
    const bad = { ...form, regionText: 'eu-west Mars', profileText: 'x'.repeat(129) };
    expect(check(bad, SYNC_SCREEN)).toEqual({
      defaults: null,
      errors: {
        profiles: `"${'x'.repeat(129)}" is not a profile name (no spaces, at most 128 characters).`,
        regions: '"eu-west", "Mars" are not Region names such as us-east-1.',
      },
    });
    expect(check(bad, SETTINGS).errors).toEqual({
      profiles: `"${'x'.repeat(129)}" is not a profile name (no spaces, at most 128 characters).`,
      regions: '"eu-west", "Mars" are not AWS Region names such as eu-west-1.',
    });
    // No source: the Sync screen asks for one; in the defaults it means every source.
    expect(check({ ...form, sources: [] }, SYNC_SCREEN).errors).toEqual({ sources: 'Choose at least one source.' });
    expect(check({ ...form, sources: [] }, SETTINGS).defaults?.sources).toEqual([]);
  });
});
