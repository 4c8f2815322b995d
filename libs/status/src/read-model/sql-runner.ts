/**
 * The one thing the status readers need from a database connection: run a
 * parameterised query and return its rows. TypeORM's DataSource/EntityManager
 * (the API) and a `pg` client (the status page, which must start without a
 * database) both fit.
 */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown[]>;
}
