import { ForbiddenError } from '@app/platform';
import type { Principal } from '@app/catalog';

/**
 * Who may change the status page:
 * - the admin token: everything;
 * - a team token: a component whose linked services all belong to its team
 *   (and at least one is linked) — its name, description, manual status and
 *   links, as long as every service it links belongs to the team — and
 *   maintenances whose components are all such components;
 * - creating or deleting components, and any change to component groups:
 *   admin only (they shape the whole public page).
 * Any token may read.
 */
export function isTeamOwnedBy(principal: Principal, serviceTeamIds: readonly string[]): boolean {
  if (principal.kind === 'admin') return true;
  return serviceTeamIds.length > 0 && serviceTeamIds.every((teamId) => teamId === principal.teamId);
}

export function assertMayEditComponent(principal: Principal, serviceTeamIds: readonly string[]): void {
  if (!isTeamOwnedBy(principal, serviceTeamIds)) {
    throw new ForbiddenError("A team token may only change components linked solely to its own team's services");
  }
}

export function assertAdminForStatusPage(principal: Principal, what: string): void {
  if (principal.kind !== 'admin') throw new ForbiddenError(`${what} needs the admin token`);
}
