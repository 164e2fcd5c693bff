import type { FastifyInstance } from 'fastify';

/** Under the compat mount `/api/{user_id}/…`, the path's user must be the token's: another is 403. */
export function requirePathUserIsCaller(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const { user_id: pathUser } = request.params as { user_id?: string };
    done(pathUser === request.actor ? undefined : app.httpErrors.forbidden("The path names another user than the token's."));
  });
}
