import { canMoveMaintenance, effectiveMaintenanceStatus, isMaintenanceActive, type MaintenanceSchedule } from './maintenance-status';

const at = (time: string) => new Date(`2026-11-24T${time}:00Z`);
const window: MaintenanceSchedule = { status: 'scheduled', autoStart: true, autoComplete: true, scheduledFor: at('10:00'), scheduledUntil: at('11:00') };

describe('effectiveMaintenanceStatus', () => {
  it('starts and completes automatically at the scheduled times', () => {
    expect(effectiveMaintenanceStatus(window, at('09:59'))).toBe('scheduled');
    expect(effectiveMaintenanceStatus(window, at('10:00'))).toBe('in_progress');
    expect(effectiveMaintenanceStatus(window, at('11:00'))).toBe('completed');
  });

  it('does not start or complete on its own when automation is off', () => {
    expect(effectiveMaintenanceStatus({ ...window, autoStart: false }, at('10:30'))).toBe('scheduled');
    expect(effectiveMaintenanceStatus({ ...window, status: 'in_progress', autoComplete: false }, at('12:00'))).toBe('in_progress');
  });

  it('never undoes a status set by hand', () => {
    expect(effectiveMaintenanceStatus({ ...window, status: 'verifying' }, at('12:00'))).toBe('verifying');
    expect(effectiveMaintenanceStatus({ ...window, status: 'completed' }, at('09:00'))).toBe('completed');
    expect(effectiveMaintenanceStatus({ ...window, status: 'in_progress' }, at('09:00'))).toBe('in_progress');
  });
});

describe('canMoveMaintenance', () => {
  it('allows forward moves and a failed verification going back to in progress', () => {
    expect(canMoveMaintenance('scheduled', 'in_progress')).toBe(true);
    expect(canMoveMaintenance('in_progress', 'verifying')).toBe(true);
    expect(canMoveMaintenance('verifying', 'in_progress')).toBe(true);
    expect(canMoveMaintenance('verifying', 'completed')).toBe(true);
    expect(canMoveMaintenance('completed', 'completed')).toBe(true);
  });

  it('refuses going back to scheduled or reopening a completed maintenance', () => {
    expect(canMoveMaintenance('in_progress', 'scheduled')).toBe(false);
    expect(canMoveMaintenance('completed', 'in_progress')).toBe(false);
  });

  it('calls in progress and verifying active', () => {
    expect(['scheduled', 'in_progress', 'verifying', 'completed'].map((status) => isMaintenanceActive(status as never))).toEqual([false, true, true, false]);
  });
});
