import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under ESM its callable is the default export's default.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => unknown;

interface OpenApiOperation {
  operationId?: string;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation | unknown>>;
  components: Record<string, unknown>;
}

export interface RouteMatch {
  /** The OpenAPI path template, e.g. `/interactions/{interaction_id}/{interaction_token}/callback`. */
  template: string;
  params: Record<string, string>;
}

export interface BodyCheck {
  valid: boolean;
  /** The operation has no JSON request body schema: nothing was checked. */
  unchecked: boolean;
  /** The errors worth reading (union noise removed). */
  errors: ErrorObject[];
  /** Discord's 50035 "Invalid Form Body" error tree, for the response. */
  discordErrors: Record<string, unknown>;
}

const SCHEMA_ID = 'discord-openapi';
const HTTP_METHODS = new Set(['get', 'put', 'post', 'patch', 'delete']);
const LIMIT_KEYWORDS = new Set(['maxLength', 'minLength', 'maxItems', 'minItems', 'maximum', 'minimum', 'pattern', 'format', 'maxProperties', 'uniqueItems']);

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Discord sends and accepts integers wider than 53 bits (permission bit sets) as decimal strings,
 * and discord.js sends `default_member_permissions` that way, while the OpenAPI document types
 * them as integers. Such integer schemas (a maximum beyond Number.MAX_SAFE_INTEGER) also accept a
 * string of digits, as Discord itself does.
 */
function acceptBigIntegersAsStrings(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) acceptBigIntegersAsStrings(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type];
  if (types.includes('integer') && typeof schema.maximum === 'number' && schema.maximum > Number.MAX_SAFE_INTEGER) {
    const { type: _type, minimum: _min, maximum: _max, ...rest } = schema;
    const nullable = types.includes('null');
    for (const key of Object.keys(schema)) delete schema[key];
    schema.anyOf = [
      { ...rest, type: nullable ? ['integer', 'null'] : 'integer', minimum: _min, maximum: _max },
      { type: 'string', pattern: '^[0-9]{1,20}$' },
    ];
    return;
  }
  for (const value of Object.values(schema)) acceptBigIntegersAsStrings(value);
}

/**
 * Discord's HTTP API as described by its official OpenAPI document: maps request paths to
 * operations and checks request bodies against the operation's JSON schema. Each operation's
 * validator is compiled on first use and cached (compiling them all up front takes seconds).
 */
export class DiscordOpenApi {
  private readonly ajv: Ajv2020;
  private readonly templates: { template: string; segments: string[] }[];
  private readonly validators = new Map<string, ValidateFunction | null>();

  constructor(private readonly document: OpenApiDocument) {
    acceptBigIntegersAsStrings(document);
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    // Discord-specific formats: the patterns on these types already say what is valid.
    this.ajv.addFormat('snowflake', true);
    this.ajv.addFormat('nonce', true);
    this.ajv.addFormat('int64', true);
    this.ajv.addSchema({ $id: SCHEMA_ID, paths: document.paths, components: document.components });
    this.templates = Object.keys(document.paths).map((template) => ({ template, segments: template.split('/').slice(1) }));
  }

  static load(specPath: string): DiscordOpenApi {
    return new DiscordOpenApi(JSON.parse(readFileSync(specPath, 'utf8')) as OpenApiDocument);
  }

  /** Finds the path template for a versionless API path like `/channels/123/messages`; literal segments win over parameters. */
  match(path: string): RouteMatch | null {
    const segments = path.split('/').slice(1).map((segment) => decodeURIComponent(segment));
    let best: { template: string; params: Record<string, string>; literals: number } | null = null;
    for (const candidate of this.templates) {
      if (candidate.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const part = candidate.segments[i];
        if (part.startsWith('{') && part.endsWith('}')) params[part.slice(1, -1)] = segments[i];
        else if (part === segments[i]) literals++;
        else ok = false;
      }
      if (ok && (!best || literals > best.literals)) best = { template: candidate.template, params, literals };
    }
    return best ? { template: best.template, params: best.params } : null;
  }

  hasOperation(method: string, template: string): boolean {
    const item = this.document.paths[template];
    return Boolean(item && HTTP_METHODS.has(method.toLowerCase()) && item[method.toLowerCase()]);
  }

  /** Checks a JSON body (or a multipart body's payload_json) against the operation's application/json schema. */
  checkBody(method: string, template: string, body: unknown): BodyCheck {
    const validate = this.validatorFor(method.toLowerCase(), template);
    if (!validate) return { valid: true, unchecked: true, errors: [], discordErrors: {} };
    if (validate(body)) return { valid: true, unchecked: false, errors: [], discordErrors: {} };
    const errors = relevantErrors(validate.errors ?? []);
    return { valid: false, unchecked: false, errors, discordErrors: toDiscordErrorTree(errors) };
  }

  private validatorFor(method: string, template: string): ValidateFunction | null {
    const key = `${method} ${template}`;
    if (this.validators.has(key)) return this.validators.get(key)!;
    const operation = this.document.paths[template]?.[method] as OpenApiOperation | undefined;
    let validate: ValidateFunction | null = null;
    if (operation?.requestBody?.content?.['application/json']?.schema) {
      const pointer = `${SCHEMA_ID}#/paths/${escapePointer(template)}/${method}/requestBody/content/application~1json/schema`;
      validate = this.ajv.getSchema(pointer) ?? null;
      if (!validate) throw new Error(`could not compile the OpenAPI schema of ${method.toUpperCase()} ${template}`);
    }
    this.validators.set(key, validate);
    return validate;
  }
}

/**
 * Discord's schemas are full of unions (a callback is one of seven shapes, a component one of a
 * dozen). Ajv reports why every branch failed; keep what a person needs: a broken limit if there is
 * one, otherwise the errors that are not just "this is the other branch".
 */
export function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const meaningful = errors.filter((error) => {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf' || error.keyword === 'if') return false;
    if (error.keyword === 'type' && (error.params as { type?: unknown }).type === 'null') return false;
    if ((error.keyword === 'enum' || error.keyword === 'const') && /\/type$/.test(error.instancePath)) return false;
    return true;
  });
  const limits = meaningful.filter((error) => LIMIT_KEYWORDS.has(error.keyword));
  const chosen = limits.length > 0 ? limits : meaningful.length > 0 ? meaningful : errors;
  const seen = new Set<string>();
  return chosen.filter((error) => {
    const key = `${error.instancePath} ${error.keyword} ${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function discordErrorFor(error: ErrorObject): { code: string; message: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'maxLength':
    case 'maxItems':
      return { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${String(params.limit)} or fewer in length.` };
    case 'minLength':
    case 'minItems':
      return { code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${String(params.limit)} or more in length.` };
    case 'required':
      return { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' };
    case 'maximum':
      return { code: 'NUMBER_TYPE_MAX', message: `int value should be less than or equal to ${String(params.limit)}.` };
    case 'minimum':
      return { code: 'NUMBER_TYPE_MIN', message: `int value should be greater than or equal to ${String(params.limit)}.` };
    default:
      return { code: 'BASE_TYPE_INVALID', message: `Invalid value (${error.message ?? error.keyword}).` };
  }
}

/** Builds Discord's nested `errors` object: `{ data: { embeds: { 0: { title: { _errors: [...] } } } } }`. */
export function toDiscordErrorTree(errors: ErrorObject[]): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const error of errors) {
    const path = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (error.keyword === 'required') path.push(String((error.params as { missingProperty?: unknown }).missingProperty));
    let node = tree;
    for (const part of path) node = (node[part] ??= {}) as Record<string, unknown>;
    ((node._errors ??= []) as unknown[]).push(discordErrorFor(error));
  }
  return tree;
}

/** One readable line per error: `/data/embeds/0/title must NOT have more than 256 characters`. */
export function describeErrors(errors: ErrorObject[]): string {
  return errors
    .map((error) => `${error.instancePath || '(body)'} ${error.message ?? error.keyword}`)
    .join('; ');
}
