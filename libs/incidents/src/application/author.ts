import type { TimelineAuthor } from '../domain/timeline-event';

/** The compact author string stored on timeline rows (the full author goes in `data.author`). */
export function authorLabel(author: TimelineAuthor): string {
  switch (author.kind) {
    case 'slack_user':
      return `slack:${author.slackUserId}`;
    case 'api_token':
      return `token:${author.tokenId}`;
    case 'system':
      return `ballast:${author.component}`;
  }
}

export function authorPerson(author: TimelineAuthor): string {
  switch (author.kind) {
    case 'slack_user':
      return author.slackUserId;
    case 'api_token':
      return author.team ? `${author.team} (API)` : 'admin (API)';
    case 'system':
      return `ballast (${author.component})`;
  }
}
