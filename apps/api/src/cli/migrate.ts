import { connectDatabase, migrateDatabase } from '../app.js';
import { loadConfig } from '../config.js';
import { loadDotEnv } from '../environment.js';

loadDotEnv();
const config = loadConfig(process.env);
const connection = await connectDatabase(config);
try {
  const { applied } = await migrateDatabase(config, connection);
  const target = config.database.kind === 'postgres' ? 'PostgreSQL' : `PGlite in ${config.database.dataDir}`;
  console.log(applied.length === 0 ? `${target}: already up to date` : `${target}: applied ${applied.join(', ')}`);
} finally {
  await connection.close();
}
