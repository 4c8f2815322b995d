import { isOverdue } from './domain/follow-up-rules';
import { FollowUpEntity } from './follow-up.entity';

export function presentFollowUp(followUp: FollowUpEntity, now: Date) {
  return {
    id: followUp.id,
    incidentId: followUp.incidentId,
    title: followUp.title,
    owner: followUp.owner,
    dueDate: followUp.dueDate,
    priority: followUp.priority,
    url: followUp.url,
    status: followUp.status,
    overdue: isOverdue(followUp, now),
    createdBy: followUp.createdBy,
    completedAt: followUp.completedAt,
    createdAt: followUp.createdAt,
    updatedAt: followUp.updatedAt,
  };
}
