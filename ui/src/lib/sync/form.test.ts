// The Sync form's start on a first visit: the saved sync defaults as form values, and whether
// values kept from an earlier visit exist (they win); the Region shape check shared with Settings.
import { afterEach, describe, expect, it } from 'vitest';
import { formFromDefaults, hasSavedForm, isRegionName, saveForm } from './form';

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
