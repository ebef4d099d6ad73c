// `npm run labels`: a stored session's Gmail labels from the command line (offline access).
import {runLabelsCommand} from './labels/run.js';

const code = await runLabelsCommand(process.argv.slice(2), process.env, {
  out: text => process.stdout.write(text + '\n'),
  err: text => process.stderr.write(text + '\n'),
});
// Firestore's and Google's clients may keep idle sockets: exit once the output is written.
process.stdout.write('', () => process.exit(code));
