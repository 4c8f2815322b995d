/** PostgreSQL NOTIFY channel raised by the triggers of the StatusPage migration on every status-relevant write. */
export const STATUS_CHANGED_CHANNEL = 'ballast_status_changed';
