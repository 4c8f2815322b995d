import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ForbiddenError } from '@app/platform';
import type { Principal } from '../access';

/**
 * The one ownership rule for references: a team token may only NAME its own
 * team's teams, services, SLOs and status components, wherever a request body
 * or query can name one (incident `services` / `affectedComponents`, SLO
 * `policy.statusComponentId`, component `sloIds`, maintenance `components`,
 * follow-ups, deployments, ...). The admin token may name anything.
 *
 * Services call these before writing anything; a violation is a 403 naming the
 * request field. References that do not exist are left to the caller's own
 * existence check (which answers 400/404), so an unknown id is never reported
 * as someone else's.
 *
 * Ownership of a status component: it links at least one service and every
 * linked service belongs to the team (same rule as editing a component).
 *
 * The checks read the tables directly (services, slos, status_component_services)
 * so the catalog lib does not depend on the slo or status libs.
 */
@Injectable()
export class ReferenceOwnership {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `teams` are team slugs. */
  async assertOwnsTeams(principal: Principal, teams: readonly string[], field: string): Promise<void> {
    if (principal.kind === 'admin') return;
    const foreign = [...new Set(teams)].filter((slug) => slug !== principal.teamSlug);
    if (foreign.length === 0) return;
    const rows = (await this.dataSource.query(`SELECT slug FROM teams WHERE slug = ANY($1::text[])`, [foreign])) as Array<{ slug: string }>;
    if (rows.length > 0)
      throw forbidden(
        field,
        'team',
        rows.map((row) => row.slug),
      );
  }

  /** `services` are service slugs. */
  async assertOwnsServices(principal: Principal, services: readonly string[], field: string): Promise<void> {
    if (principal.kind === 'admin' || services.length === 0) return;
    const rows = (await this.dataSource.query(`SELECT slug FROM services WHERE slug = ANY($1::text[]) AND team_id <> $2`, [
      [...new Set(services)],
      principal.teamId,
    ])) as Array<{ slug: string }>;
    if (rows.length > 0)
      throw forbidden(
        field,
        'service',
        rows.map((row) => row.slug),
      );
  }

  /** `sloIds` are SLO ids (anything not a UUID cannot exist and is ignored here). */
  async assertOwnsSlos(principal: Principal, sloIds: readonly string[], field: string): Promise<void> {
    if (principal.kind === 'admin' || sloIds.length === 0) return;
    const rows = (await this.dataSource.query(
      `SELECT slo.id FROM slos slo JOIN services service ON service.id = slo.service_id
       WHERE slo.id::text = ANY($1::text[]) AND service.team_id <> $2`,
      [[...new Set(sloIds)], principal.teamId],
    )) as Array<{ id: string }>;
    if (rows.length > 0)
      throw forbidden(
        field,
        'SLO',
        rows.map((row) => row.id),
      );
  }

  /** `componentIds` are status component ids. */
  async assertOwnsComponents(principal: Principal, componentIds: readonly string[], field: string): Promise<void> {
    if (principal.kind === 'admin' || componentIds.length === 0) return;
    const rows = (await this.dataSource.query(
      `SELECT component.id FROM status_components component
       WHERE component.id = ANY($1::text[])
         AND (NOT EXISTS (SELECT 1 FROM status_component_services link JOIN services service ON service.id = link.service_id
                           WHERE link.component_id = component.id AND service.team_id = $2)
              OR EXISTS (SELECT 1 FROM status_component_services link JOIN services service ON service.id = link.service_id
                          WHERE link.component_id = component.id AND service.team_id <> $2))`,
      [[...new Set(componentIds)], principal.teamId],
    )) as Array<{ id: string }>;
    if (rows.length > 0)
      throw forbidden(
        field,
        'status component',
        rows.map((row) => row.id),
      );
  }
}

function forbidden(field: string, what: string, names: readonly string[]): ForbiddenError {
  return new ForbiddenError(
    `${field} names ${what}${names.length > 1 ? 's' : ''} of another team (${names.join(', ')}); a team token may only reference its own team's ${what}s`,
    { field },
  );
}
