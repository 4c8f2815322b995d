import type { SloSpecApplyResult } from '@app/slo';
import { presentSlo } from './slo.presenter';

/** The answer of POST /api/v1/slos/import: one item per SLO (created, updated, unchanged, deleted), the services, the notes. */
export function presentSpecApply(result: SloSpecApplyResult) {
  return {
    dryRun: result.dryRun,
    items: result.slos.map((item) =>
      item.slo !== undefined
        ? { action: item.action, document: item.document, ...presentSlo(item.slo, item.warnings) }
        : {
            action: item.action,
            ...(item.document !== undefined ? { document: item.document } : {}),
            ...(item.id !== undefined ? { id: item.id } : {}),
            service: item.service,
            name: item.name,
            ...(item.definition ?? {}),
            warnings: item.warnings,
          },
    ),
    services: result.services,
    notes: result.notes,
  };
}
