import type { Principal } from '@app/catalog';
/** Pure deploy-gate decision: closed while an SLO of the service with `freezeDeploys` has no budget left. */
export const DEPLOY_GATE_OVERRIDES = ['security', 'p0'] as const;
export type DeployGateOverride = (typeof DEPLOY_GATE_OVERRIDES)[number];

/** Emitted (EventEmitter2) when a closed or open gate is overridden: the audit log records it. */
export const DEPLOY_GATE_OVERRIDDEN = 'deploy_gate.overridden';

export interface DeployGateOverriddenEvent {
  readonly overrideId: string;
  readonly actor: string;
  readonly team: string | null;
  readonly service: string;
  readonly serviceId: string;
  readonly kind: DeployGateOverride;
  readonly reason: string;
  readonly blockedBy: readonly DeployGateReason[];
  readonly at: Date;
  /** The token that overrode (the audit log's actor). */
  readonly principal?: Principal;
}

export interface DeployGateSlo {
  readonly id: string;
  readonly name: string;
  readonly freezeDeploys: boolean;
  /** null until evaluated or without traffic: no reason to freeze. */
  readonly errorBudgetRemaining: number | null;
}

export interface DeployGateReason {
  readonly sloId: string;
  readonly name: string;
  readonly errorBudgetRemaining: number | null;
}

export function deployGateReasons(slos: readonly DeployGateSlo[]): DeployGateReason[] {
  return slos
    .filter((slo) => slo.freezeDeploys && slo.errorBudgetRemaining !== null && slo.errorBudgetRemaining <= 0)
    .map((slo) => ({ sloId: slo.id, name: slo.name, errorBudgetRemaining: slo.errorBudgetRemaining }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
