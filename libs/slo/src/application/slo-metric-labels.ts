import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { formatOpenSloImportIssue, MetricLabelsRequiredError, type OpenSloImportIssue } from '../domain/errors';
import { describeMissingMetricLabel, missingMetricLabels, requiredMetricLabels, type RequiredMetricLabels } from '../domain/metric-label-guard';
import type { SloIndicator } from '../domain/slo-indicator';

/** The part of a team the rule needs. */
export interface MetricLabelTeam {
  readonly slug: string;
  readonly metricLabels: RequiredMetricLabels | null;
}

/**
 * The required-metric-labels rule at the SLO write paths (POST/PATCH /slos,
 * the OpenSLO and spec imports) and at evaluation: a team's SLOs may read only
 * series carrying the team's labels (teams.metricLabels, else
 * SLO_REQUIRED_TEAM_LABEL="<label>" meaning <label>="<team slug>").
 * A write that breaks it is refused with 403 naming the field and the label,
 * before Prometheus is asked anything.
 */
@Injectable()
export class SloMetricLabels {
  constructor(private readonly config: AppConfig) {}

  requiredFor(team: MetricLabelTeam): RequiredMetricLabels {
    return requiredMetricLabels(team, this.config.SLO_REQUIRED_TEAM_LABEL);
  }

  /** The first problem as a sentence, or null when the indicator conforms. */
  violation(team: MetricLabelTeam, indicator: SloIndicator): string | null {
    const [first] = missingMetricLabels(indicator, this.requiredFor(team));
    return first ? describeMissingMetricLabel(first) : null;
  }

  /** POST/PATCH: 403 naming the first field lacking a label. */
  assertConforms(team: MetricLabelTeam, indicator: SloIndicator): void {
    const [first] = missingMetricLabels(indicator, this.requiredFor(team));
    if (first) throw new MetricLabelsRequiredError(first.field, describeMissingMetricLabel(first));
  }

  /** Imports: the problems of one document, `path` mapping an API field (indicator.total) to its place in the document. */
  documentIssues(document: number, team: MetricLabelTeam, indicator: SloIndicator, path: (field: string) => string): OpenSloImportIssue[] {
    return missingMetricLabels(indicator, this.requiredFor(team)).map((missing) => ({
      document,
      path: path(missing.field),
      message: describeMissingMetricLabel(missing),
    }));
  }

  /** Imports: 403 listing every document's problems (nothing imported), naming the first one's path as the field. */
  assertNoIssues(issues: readonly OpenSloImportIssue[]): void {
    if (issues.length === 0) return;
    const sorted = [...issues].sort((a, b) => a.document - b.document);
    throw new MetricLabelsRequiredError(
      sorted[0].path,
      `import refused: selectors lack the team's required metric labels: ${sorted.map(formatOpenSloImportIssue).join('; ')}`,
      sorted,
    );
  }
}
