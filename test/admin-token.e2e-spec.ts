import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startApi } from './support/api-app';
import { createTestDatabase } from './support/database';

describe('admin token bootstrap', () => {
  it('generates an admin token at first start, prints it once, stores only its hash', async () => {
    const database = await createTestDatabase();
    try {
      const first = await startApi({ database, env: { API_ADMIN_TOKEN: undefined } });
      expect(first.printed).toHaveLength(1);
      const token = /blst_[A-Za-z0-9_-]{43}/.exec(first.printed[0])?.[0];
      expect(token).toBeDefined();
      const auth = { Authorization: `Bearer ${token}` };
      expect((await first.http.post('/api/v1/teams').set(auth).send({ slug: 'ops', name: 'Ops' })).status).toBe(201);
      const rows: { token_hash: string; team_id: string | null }[] = await first.app.get(DataSource).query('SELECT token_hash, team_id FROM api_tokens');
      expect(rows).toHaveLength(1);
      expect(rows[0].team_id).toBeNull();
      expect(rows[0].token_hash).toBe(
        createHash('sha256')
          .update(token as string)
          .digest('hex'),
      );
      expect(JSON.stringify(rows)).not.toContain(token);
      await first.close();

      const second = await startApi({ database, env: { API_ADMIN_TOKEN: undefined } });
      expect(second.printed).toHaveLength(0);
      expect((await second.http.get('/api/v1/teams/ops').set(auth)).status).toBe(200);
      await second.close();
    } finally {
      await database.drop();
    }
  });
});
