// A second real process for the data directory lock test: opens the embedded database in
// DATA_DIR, says "ready", and keeps it open until killed.
import { openDatabase } from '../../src/db/client.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: hold-database.ts <dataDir>');
await openDatabase({ dataDir });
process.stdout.write('ready\n');
setInterval(() => {}, 1 << 30);
