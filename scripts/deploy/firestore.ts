import {USES_SESSION_STORE} from '../../src/register.js';
import {runtimeAccount} from './accounts.js';
import {
  createDatabase,
  databaseExpression,
  DATASTORE_USER,
  enableFirestore,
  enableSessionTtl,
  grantDatabaseAccess,
  SESSIONS_COLLECTION,
  TTL_FIELD,
} from './firestore-commands.js';
import type {Change} from './gcloud.js';
import {ask, isServiceDisabled, type Answer, type LookupContext} from './lookups.js';
import {DeployError, type DeployOptions} from './options.js';
import type {Target} from './target.js';

/** What the project's Firestore has for the sessions, as the lookups found it. */
type DatabaseState = 'api-off' | 'missing' | 'native';

/**
 * With --session-store=firestore, the changes that make the sessions' database ready, each only
 * when a lookup says it is needed: the API on, the database created in Native mode, the TTL policy
 * on expireAt, and roles/datastore.user on that database for the own account of each function
 * that uses the store (USES_SESSION_STORE: not oauth2init).
 */
export function planFirestore(
  options: DeployOptions,
  target: Target,
  context: LookupContext,
): Change[] {
  if (options.sessionStore !== 'firestore') return [];
  const {project} = target;
  const database = options.firestoreDatabase;
  const state = describeDatabase(context, project, database);
  const ttl = hasNoDatabase(state) ? {value: false} : ttlIsSet(context, project, database);
  const bound = boundAccounts(context, project, database);
  const changes: Change[] = [];
  if (!('value' in state) || state.value === 'api-off') {
    changes.push(enableFirestore(project, unknownNote('if off', state)));
  }
  if (!('value' in state) || state.value !== 'native') {
    const location = options.firestoreLocation ?? target.region;
    changes.push(createDatabase(project, database, location, unknownNote('if missing', state)));
  }
  if (!('value' in ttl) || !ttl.value) {
    changes.push(enableSessionTtl(project, database, unknownNote('if not set', ttl)));
  }
  for (const name of options.functions.filter(name => USES_SESSION_STORE[name])) {
    const member = `serviceAccount:${runtimeAccount(name, project)}`;
    if ('value' in bound && bound.value.includes(member)) continue;
    changes.push(grantDatabaseAccess(name, project, database, unknownNote('if missing', bound)));
  }
  return changes;
}

/** True when the lookup found no database, so nothing in it needs looking up. */
function hasNoDatabase(state: Answer<DatabaseState>): boolean {
  return 'value' in state && state.value !== 'native';
}

function describeDatabase(
  context: LookupContext,
  project: string,
  database: string,
): Answer<DatabaseState> {
  return ask(
    context,
    [
      'firestore',
      'databases',
      'describe',
      `--database=${database}`,
      `--project=${project}`,
      '--format=json',
    ],
    `Firestore database ${database}`,
    result => {
      if (result.status === 0) return nativeOrRefuse(result.stdout, database);
      if (isServiceDisabled(result.stderr)) return 'api-off';
      return /NOT_FOUND|does not exist/.test(result.stderr) ? 'missing' : undefined;
    },
  );
}

/** The sessions need Native mode; a Datastore-mode database of the same name is refused. */
function nativeOrRefuse(json: string, database: string): 'native' | undefined {
  const type = jsonField(parseJson(json), 'type');
  if (type === 'FIRESTORE_NATIVE') return 'native';
  if (type === undefined) return undefined;
  throw new DeployError(
    `--firestore-database: database ${database} is in ${type === 'DATASTORE_MODE' ? 'Datastore mode' : `mode ${type}`}; sessions need Firestore Native mode: pass --firestore-database=ID to create another`,
  );
}

/** True when expireAt is already (or about to be) the TTL field of the sessions' collection group. */
function ttlIsSet(context: LookupContext, project: string, database: string): Answer<boolean> {
  return ask(
    context,
    [
      'firestore',
      'fields',
      'ttls',
      'list',
      `--collection-group=${SESSIONS_COLLECTION}`,
      `--database=${database}`,
      `--project=${project}`,
      '--format=json',
    ],
    `the TTL policy of ${SESSIONS_COLLECTION}`,
    result => {
      if (result.status !== 0) return undefined;
      const fields = parseJson(result.stdout);
      if (!Array.isArray(fields)) return undefined;
      return fields.some(field => {
        const name = jsonField(field, 'name');
        const ttlConfig: unknown = isObject(field) ? field.ttlConfig : undefined;
        const state = jsonField(ttlConfig, 'state');
        // NEEDS_REPAIR means the policy must be set again.
        return (
          name?.endsWith(`/fields/${TTL_FIELD}`) && (state === 'ACTIVE' || state === 'CREATING')
        );
      });
    },
  );
}

/** The members that already hold roles/datastore.user on the sessions' database. */
function boundAccounts(
  context: LookupContext,
  project: string,
  database: string,
): Answer<string[]> {
  const expression = databaseExpression(project, database);
  return ask(
    context,
    ['projects', 'get-iam-policy', project, '--format=json'],
    `who may use Firestore in ${project}`,
    result => {
      if (result.status !== 0) return undefined;
      const policy = parseJson(result.stdout);
      const bindings: unknown = isObject(policy) ? (policy.bindings ?? []) : undefined;
      if (!Array.isArray(bindings)) return undefined;
      return bindings.flatMap((binding: unknown) => {
        if (!isObject(binding) || binding.role !== DATASTORE_USER) return [];
        if (jsonField(binding.condition, 'expression') !== expression) return [];
        const members = binding.members;
        return Array.isArray(members) ? members.filter(m => typeof m === 'string') : [];
      });
    },
  );
}

function unknownNote(what: string, answer: Answer<unknown>): string | undefined {
  return 'unknown' in answer ? `${what} (${answer.unknown})` : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function jsonField(object: unknown, name: string): string | undefined {
  if (!isObject(object)) return undefined;
  const value = object[name];
  return typeof value === 'string' ? value : undefined;
}
