import type { FastifyInstance } from 'fastify';

/** Under the compat mount `/api/{user_id}/…`, the path's user must be the token's: another is 403. */
export function requirePathUserIsCaller(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const { user_id: pathUser } = request.params as { user_id?: string };
    if (pathUser !== request.actor) throw app.httpErrors.forbidden("The path names another user than the token's.");
  });
}
