import {runtimeAccount} from './accounts.js';
import type {Change} from './gcloud.js';
import type {FunctionName} from './options.js';

/** The collection the functions keep sessions in (SESSION_STORE=firestore). */
export const SESSIONS_COLLECTION = 'oauth2_sessions';
/** The Timestamp field of each session document after which Firestore's TTL policy deletes it. */
export const TTL_FIELD = 'expireAt';
/** Reads and writes documents (https://cloud.google.com/firestore/docs/security/iam#roles). */
export const DATASTORE_USER = 'roles/datastore.user';

/**
 * The IAM condition that limits a function's Firestore access to the sessions' database: the role
 * is granted on the project (Firestore has no per-database IAM policy), and the condition on
 * resource.name (projects/P/databases/ID) keeps the other databases of the project out of reach.
 */
export function databaseCondition(project: string, database: string): string {
  return `expression=${databaseExpression(project, database)},title=${TITLE}`;
}

/** The IAM condition's expression: the binding holds for this one database. */
export function databaseExpression(project: string, database: string): string {
  return `resource.name=="projects/${project}/databases/${database}"`;
}
const TITLE = 'gmail-oauth-functions-sessions';

/** Enables the Firestore API (a no-op when it is on). */
export function enableFirestore(project: string, note?: string): Change {
  return {args: ['services', 'enable', 'firestore.googleapis.com', `--project=${project}`], note};
}

/**
 * Creates a Firestore database in Native mode. The location cannot be changed afterwards; a
 * region (europe-west1) or a multi-region (nam5, eur3): https://cloud.google.com/firestore/docs/locations.
 */
export function createDatabase(
  project: string,
  database: string,
  location: string,
  note?: string,
): Change {
  return {
    args: [
      'firestore',
      'databases',
      'create',
      `--database=${database}`,
      `--location=${location}`,
      '--type=firestore-native',
      `--project=${project}`,
    ],
    note,
  };
}

/**
 * Makes `expireAt` the TTL field of the sessions' collection group, so that Firestore deletes each
 * expired session (https://cloud.google.com/firestore/docs/ttl). --async: the policy takes minutes
 * to become active, and the functions ignore an expired session meanwhile.
 */
export function enableSessionTtl(project: string, database: string, note?: string): Change {
  return {
    args: [
      'firestore',
      'fields',
      'ttls',
      'update',
      TTL_FIELD,
      `--collection-group=${SESSIONS_COLLECTION}`,
      `--database=${database}`,
      '--enable-ttl',
      '--async',
      `--project=${project}`,
    ],
    note,
  };
}

/** Lets one function's service account read and write the sessions' database, and no other. */
export function grantDatabaseAccess(
  name: FunctionName,
  project: string,
  database: string,
  note?: string,
): Change {
  return {
    args: [...bindingArgs('add', name, project, database), '--format=none'],
    note,
    // A service account created a moment ago may not be known to IAM yet.
    retryIf: /does not exist/,
  };
}

/** Removes what grantDatabaseAccess granted (printed by --delete, never run). */
export function revokeDatabaseAccess(
  name: FunctionName,
  project: string,
  database: string,
): Change {
  return {args: [...bindingArgs('remove', name, project, database), '--format=none']};
}

/** Deletes every session document, leaving the database (printed by --delete, never run). */
export function deleteSessions(project: string, database: string): Change {
  return {
    args: [
      'firestore',
      'bulk-delete',
      `--collection-ids=${SESSIONS_COLLECTION}`,
      `--database=${database}`,
      `--project=${project}`,
      '--quiet',
    ],
  };
}

/** Deletes the whole database (printed by --delete, never run). */
export function deleteDatabase(project: string, database: string): Change {
  return {
    args: [
      'firestore',
      'databases',
      'delete',
      `--database=${database}`,
      `--project=${project}`,
      '--quiet',
    ],
  };
}

function bindingArgs(
  verb: 'add' | 'remove',
  name: FunctionName,
  project: string,
  database: string,
): string[] {
  return [
    'projects',
    `${verb}-iam-policy-binding`,
    project,
    `--member=serviceAccount:${runtimeAccount(name, project)}`,
    `--role=${DATASTORE_USER}`,
    `--condition=${databaseCondition(project, database)}`,
  ];
}
