import { ForbiddenError } from '@app/platform';

/** Who is calling: the admin, or a team through one of its tokens. */
export type Principal = { kind: 'admin'; tokenId: string | null } | { kind: 'team'; tokenId: string; teamId: string; teamSlug: string };

export function isAdmin(principal: Principal): boolean {
  return principal.kind === 'admin';
}

/** Admin acts on everything; a team token only on its own team's resources. */
export function canActOnTeam(principal: Principal, teamId: string): boolean {
  return principal.kind === 'admin' || principal.teamId === teamId;
}

export function assertCanActOnTeam(principal: Principal, teamId: string): void {
  if (!canActOnTeam(principal, teamId)) throw new ForbiddenError("This token belongs to another team and may not act on this team's resources");
}

export function assertAdmin(principal: Principal): void {
  if (principal.kind !== 'admin') throw new ForbiddenError('This action needs the admin token');
}
