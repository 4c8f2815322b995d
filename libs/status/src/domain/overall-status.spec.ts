import { impactOfComponentStatus, incidentImpact, overallStatus } from './overall-status';

describe('incidentImpact', () => {
  it('follows the worst affected component status', () => {
    expect(incidentImpact({ affectedStatuses: ['degraded_performance', 'partial_outage'], severity: 'SEV4' })).toBe('major');
    expect(incidentImpact({ affectedStatuses: ['major_outage'], severity: 'SEV4' })).toBe('critical');
    expect(incidentImpact({ affectedStatuses: ['operational'], severity: 'SEV1' })).toBe('none');
  });

  it('falls back to the severity when no component is named', () => {
    expect(incidentImpact({ affectedStatuses: [], severity: 'SEV1' })).toBe('critical');
    expect(incidentImpact({ affectedStatuses: [], severity: 'SEV2' })).toBe('major');
    expect(incidentImpact({ affectedStatuses: [], severity: 'SEV3' })).toBe('minor');
    expect(incidentImpact({ affectedStatuses: [], severity: 'SEV4' })).toBe('none');
  });

  it('maps component statuses to Statuspage impacts', () => {
    expect(impactOfComponentStatus('under_maintenance')).toBe('none');
    expect(impactOfComponentStatus('degraded_performance')).toBe('minor');
  });
});

describe('overallStatus', () => {
  it('is all systems operational when nothing is wrong', () => {
    expect(overallStatus({ componentStatuses: ['operational'], unresolvedIncidentImpacts: [], maintenanceInProgress: false })).toEqual({
      indicator: 'none',
      description: 'All Systems Operational',
    });
  });

  it('uses Statuspage indicators and sentences', () => {
    expect(overallStatus({ componentStatuses: ['degraded_performance'], unresolvedIncidentImpacts: [], maintenanceInProgress: false })).toEqual({
      indicator: 'minor',
      description: 'Minor Service Outage',
    });
    expect(overallStatus({ componentStatuses: ['partial_outage'], unresolvedIncidentImpacts: [], maintenanceInProgress: false })).toEqual({
      indicator: 'major',
      description: 'Partial System Outage',
    });
    expect(overallStatus({ componentStatuses: ['major_outage'], unresolvedIncidentImpacts: [], maintenanceInProgress: false })).toEqual({
      indicator: 'critical',
      description: 'Major Service Outage',
    });
  });

  it('counts an unresolved incident even when it names no component', () => {
    expect(overallStatus({ componentStatuses: ['operational'], unresolvedIncidentImpacts: ['critical'], maintenanceInProgress: false }).indicator).toBe(
      'critical',
    );
  });

  it('shows maintenance only when nothing is worse', () => {
    expect(overallStatus({ componentStatuses: ['under_maintenance'], unresolvedIncidentImpacts: [], maintenanceInProgress: false }).indicator).toBe(
      'maintenance',
    );
    expect(overallStatus({ componentStatuses: ['operational'], unresolvedIncidentImpacts: [], maintenanceInProgress: true })).toEqual({
      indicator: 'maintenance',
      description: 'Service Under Maintenance',
    });
    expect(
      overallStatus({ componentStatuses: ['under_maintenance', 'degraded_performance'], unresolvedIncidentImpacts: [], maintenanceInProgress: true }).indicator,
    ).toBe('minor');
  });
});
