import {
  COMPONENT_STATUSES,
  compareComponentStatus,
  compareSeverity,
  ComponentStatus,
  DEFAULT_INCIDENT_TYPES,
  INCIDENT_SOURCES,
  INCIDENT_STATUSES,
  isComponentStatus,
  isIncidentSource,
  isIncidentStatus,
  isIncidentTypeSlug,
  isOpenStatus,
  isSeverity,
  isVisibility,
  SEVERITIES,
  statusLabel,
  VISIBILITIES,
  worstComponentStatus,
} from './incident-enums';

describe('incident vocabularies', () => {
  it('match the external contract in DESIGN.md', () => {
    expect(SEVERITIES).toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV4']);
    expect(INCIDENT_STATUSES).toEqual(['investigating', 'identified', 'monitoring', 'resolved']);
    expect(VISIBILITIES).toEqual(['public', 'internal', 'private']);
    expect(INCIDENT_SOURCES).toEqual(['slack', 'api', 'slo', 'alertmanager']);
    expect([...COMPONENT_STATUSES].sort()).toEqual(['degraded_performance', 'major_outage', 'operational', 'partial_outage', 'under_maintenance']);
    expect(DEFAULT_INCIDENT_TYPES.map((type) => type.slug)).toEqual(['deploy', 'dependency', 'capacity', 'config', 'security', 'other']);
  });

  it('default type slugs are valid slugs', () => {
    for (const type of DEFAULT_INCIDENT_TYPES) expect(isIncidentTypeSlug(type.slug)).toBe(true);
  });

  it.each<[(value: unknown) => boolean, unknown, boolean]>([
    [isSeverity, 'SEV2', true],
    [isSeverity, 'sev2', false],
    [isSeverity, 2, false],
    [isIncidentStatus, 'monitoring', true],
    [isIncidentStatus, 'closed', false],
    [isVisibility, 'private', true],
    [isVisibility, 'secret', false],
    [isIncidentSource, 'alertmanager', true],
    [isIncidentSource, 'pagerduty', false],
    [isComponentStatus, 'partial_outage', true],
    [isComponentStatus, 'down', false],
    [isIncidentTypeSlug, 'db-migration', true],
    [isIncidentTypeSlug, 'Deploy', false],
    [isIncidentTypeSlug, '1st', false],
    [isIncidentTypeSlug, 'a'.repeat(41), false],
    [isIncidentTypeSlug, undefined, false],
  ])('guard %p(%p) is %p', (guard, value, expected) => {
    expect(guard(value)).toBe(expected);
  });
});

describe('worstComponentStatus', () => {
  it.each<[ComponentStatus[], ComponentStatus]>([
    [[], 'operational'],
    [['operational', 'operational'], 'operational'],
    [['operational', 'under_maintenance'], 'under_maintenance'],
    [['under_maintenance', 'degraded_performance'], 'degraded_performance'],
    [['degraded_performance', 'partial_outage', 'operational'], 'partial_outage'],
    [['major_outage', 'partial_outage', 'under_maintenance'], 'major_outage'],
  ])('%j -> %s', (statuses, expected) => {
    expect(worstComponentStatus(statuses)).toBe(expected);
  });

  it('orders consistently', () => {
    expect(compareComponentStatus('major_outage', 'partial_outage')).toBeGreaterThan(0);
    expect(compareComponentStatus('operational', 'under_maintenance')).toBeLessThan(0);
    expect(compareComponentStatus('partial_outage', 'partial_outage')).toBe(0);
  });
});

describe('severity and status helpers', () => {
  it('SEV1 is more severe than SEV3', () => {
    expect(compareSeverity('SEV1', 'SEV3')).toBeLessThan(0);
    expect(['SEV3', 'SEV1', 'SEV4', 'SEV2'].sort((a, b) => compareSeverity(a as 'SEV1', b as 'SEV1'))).toEqual(SEVERITIES);
  });

  it('only resolved is closed', () => {
    expect(INCIDENT_STATUSES.filter(isOpenStatus)).toEqual(['investigating', 'identified', 'monitoring']);
  });

  it('labels statuses for humans', () => {
    expect(statusLabel('identified')).toBe('Identified');
  });
});
