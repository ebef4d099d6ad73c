import {NEEDS_CLIENT_SECRET} from '../../src/register.js';
import {resolveClientId} from './client-id.js';
import {deployFunction} from './commands.js';
import type {Change} from './gcloud.js';
import type {LookupContext} from './lookups.js';
import type {DeployOptions} from './options.js';
import {planFirestore} from './firestore.js';
import {SESSIONS_COLLECTION, TTL_FIELD} from './firestore-commands.js';
import {planSetup} from './secrets.js';
import type {Target} from './target.js';

/** What will run, what to show first, and what to print afterwards. */
export interface Plan {
  readonly changes: readonly Change[];
  readonly warnings: readonly string[];
  /** Printed after the changes, as commands for the user to run or not. */
  readonly epilogue: readonly string[];
}

// https://cloud.google.com/functions/docs/securing/build-custom-sa: gcloud builds each function
// with Cloud Build, as the project's build service account unless --build-service-account.
const BUILD_ACCOUNT_NOTE = [
  'Builds run as the Cloud Build service account (in projects created since 2024, the Compute',
  'Engine default account); it needs roles/cloudbuild.builds.builder (or logging.logWriter,',
  'artifactregistry.writer and storage.objectViewer), which this deploy does not grant. If a build',
  'fails for want of a permission, grant those to an account of your own and pass',
  '--build-service-account=EMAIL.',
];

/** The changes of a deploy: the project's set-up with --init-secrets, then each function. */
export function planDeploy(options: DeployOptions, target: Target, context: LookupContext): Plan {
  const setup = planSetup(options, target, context);
  const firestore = planFirestore(options, target, context);
  const needsId = options.functions.some(name => !NEEDS_CLIENT_SECRET[name]);
  const clientId = needsId ? resolveClientId(options, target.project, context) : {value: ''};
  const idNote = 'unknown' in clientId ? `GOOGLE_CLIENT_ID: ${clientId.unknown}` : undefined;
  const deploys = options.functions.map(name => {
    const change = deployFunction(
      name,
      target,
      options,
      'value' in clientId ? clientId.value : 'CLIENT_ID',
    );
    return NEEDS_CLIENT_SECRET[name] || idNote === undefined ? change : {...change, note: idNote};
  });
  const url = target.baseUrl;
  return {
    changes: [...setup.changes, ...firestore, ...deploys],
    warnings: setup.warnings,
    epilogue: [
      '',
      `Functions: ${options.functions.join(', ')} at ${url}, each running as NAME-fn@${target.project}.iam.gserviceaccount.com`,
      ...(options.sessionStore === 'firestore'
        ? [
            `Sessions: Firestore database ${options.firestoreDatabase} of ${target.project}, collection ${SESSIONS_COLLECTION}, deleted by the TTL policy on ${TTL_FIELD}`,
          ]
        : []),
      `Sign in at ${url}/oauth2init`,
      `The OAuth client must list the redirect URI ${url}/oauth2callback`,
      ...(options.initSecrets ? BUILD_ACCOUNT_NOTE : []),
    ],
  };
}
