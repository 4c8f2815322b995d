/**
 * Port: which status-page component ids exist. The incidents lib does not know
 * the status page; the API app binds this to the status lib.
 */
export abstract class ComponentDirectory {
  abstract existingComponentIds(ids: string[]): Promise<Set<string>>;
}

/** Used when no status page is wired: every component id is unknown. */
export class NoComponentDirectory extends ComponentDirectory {
  async existingComponentIds(): Promise<Set<string>> {
    return new Set();
  }
}
