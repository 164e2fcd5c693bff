import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { loadDotEnv } from './environment.js';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig(process.env);
  const app = await buildApp(config);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping: finishing requests in flight');
    const timer = setTimeout(() => {
      app.log.error('requests still running after the grace period: exiting anyway');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    // Stops accepting, waits for requests in flight, then disposes of the container (the database).
    await app.close();
    app.log.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));

  await app.listen({ port: config.port, host: config.host });
  const database = config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.database.dataDir}`;
  app.log.info(`Todo API ready on http://${config.host}:${config.port} (docs at /docs), data in ${database}`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else {
    console.error('The service could not start:', error);
  }
  process.exit(1);
});
