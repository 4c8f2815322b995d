import { describeValue } from '../errors';
import { SLO_POLICY_SEVERITIES, SloPolicySeverity } from '../slo-policy';
import { isObject, Json, JsonObject } from './json';
import { SpecReadContext } from './reader-context';
import { SpecSloDefinition } from './spec-types';

/** OpenSLO v1 alert policies (inline, by name, or through AlertCondition documents) mapped onto an SLO's policy. */
export class OpenSloV1AlertPolicies {
  constructor(private readonly ctx: SpecReadContext) {}

  v1AlertPolicies(value: Json | undefined): SpecSloDefinition['policy'] | undefined {
    if (value === undefined) return undefined;
    const policies = this.ctx.list(value, 'spec.alertPolicies');
    if (policies === undefined || policies.length === 0) return undefined;
    let policy: { openIncident: boolean; severity?: SloPolicySeverity } | undefined;
    policies.forEach((entry, index) => {
      const path = `spec.alertPolicies[${index}]`;
      let spec: JsonObject | undefined;
      let policyName: string | undefined;
      if (typeof entry === 'string' || (isObject(entry) && entry.alertPolicyRef !== undefined)) {
        policyName = typeof entry === 'string' ? entry : this.ctx.requiredString(entry.alertPolicyRef, `${path}.alertPolicyRef`);
        const found = policyName === undefined ? undefined : this.ctx.alertPolicies.get(policyName);
        if (policyName !== undefined && found === undefined) {
          this.ctx.report(
            typeof entry === 'string' ? path : `${path}.alertPolicyRef`,
            `no AlertPolicy document named ${describeValue(policyName)} in this file`,
          );
          return;
        }
        spec = found?.value;
      } else if (isObject(entry)) {
        this.ctx.checkFields(entry, path, ['kind', 'metadata', 'spec']);
        policyName = isObject(entry.metadata) && typeof entry.metadata.name === 'string' ? entry.metadata.name : `#${index}`;
        spec = this.ctx.object(entry.spec, `${path}.spec`);
      } else {
        this.ctx.report(path, `must be an AlertPolicy name, {alertPolicyRef} or an inline AlertPolicy, got ${describeValue(entry)}`);
        return;
      }
      if (spec === undefined) return;
      const mapped = this.alertPolicy(spec, path, policyName ?? `#${index}`);
      if (mapped !== undefined && (policy === undefined || severityRank(mapped.severity) < severityRank(policy.severity))) {
        policy = mapped;
      }
    });
    return policy;
  }

  /**
   * An alert policy maps to "open an incident" with the condition's severity
   * when it alerts on the burn rate; its thresholds are reported, because
   * Ballast alerts with the SRE Workbook's multi-window tiers.
   */
  private alertPolicy(spec: JsonObject, path: string, name: string): { openIncident: boolean; severity?: SloPolicySeverity } | undefined {
    const conditions = Array.isArray(spec.conditions) ? spec.conditions : [];
    let severity: SloPolicySeverity | undefined;
    let burnRate = false;
    conditions.forEach((entry, index) => {
      let condition: JsonObject | undefined;
      if (isObject(entry) && entry.conditionRef !== undefined) {
        const reference = String(entry.conditionRef);
        condition = this.ctx.alertConditions.get(reference)?.value;
        if (condition === undefined) {
          this.ctx.report(`${path}.conditions[${index}].conditionRef`, `no AlertCondition document named ${describeValue(reference)} in this file`);
          return;
        }
      } else if (isObject(entry)) {
        condition = isObject(entry.spec) ? entry.spec : undefined;
      }
      if (condition === undefined) return;
      const kind = isObject(condition.condition) ? condition.condition.kind : undefined;
      if (kind === 'burnrate' || kind === 'burnRate') {
        burnRate = true;
        const threshold = isObject(condition.condition) ? condition.condition.threshold : undefined;
        const lookback = isObject(condition.condition) ? condition.condition.lookbackWindow : undefined;
        this.ctx.note(
          path,
          `alert policy ${describeValue(name)}: burn rate ${describeValue(threshold)} over ${describeValue(lookback)} is covered by Ballast's multi-window burn-rate tiers (page 14.4×/6×, ticket 3×/1× for 30 days)`,
        );
      } else {
        this.ctx.note(path, `alert policy ${describeValue(name)}: condition kind ${describeValue(kind)} is not mapped; Ballast alerts on burn rate`);
      }
      severity ??= mapSeverity(condition.severity);
    });
    if (!burnRate) {
      this.ctx.note(path, `alert policy ${describeValue(name)} has no burn-rate condition; it is not mapped`);
      return undefined;
    }
    return { openIncident: true, ...(severity !== undefined ? { severity } : {}) };
  }
}

function mapSeverity(value: Json | undefined): SloPolicySeverity | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  if ((SLO_POLICY_SEVERITIES as readonly string[]).includes(upper)) return upper as SloPolicySeverity;
  if (['PAGE', 'CRITICAL', 'HIGH'].includes(upper)) return 'SEV2';
  if (['TICKET', 'WARNING', 'MEDIUM'].includes(upper)) return 'SEV3';
  if (['LOW', 'INFO'].includes(upper)) return 'SEV4';
  return undefined;
}

function severityRank(severity: SloPolicySeverity | undefined): number {
  return severity === undefined ? 99 : SLO_POLICY_SEVERITIES.indexOf(severity);
}
