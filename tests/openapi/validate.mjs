// Checks coqueue's OpenAPI document: node tests/openapi/validate.mjs <openapi.yaml | openapi.json>
//
// 1. The document is valid against the OpenAPI 3.1 schema (@seriousme/openapi-schema-validator).
// 2. Every schema in it is a valid JSON Schema 2020-12 schema, and every example given next to
//    a schema (a schema's `example`, a media type's `example`) matches that schema.
// 3. Every operation has an operationId, and no two share one.
// 4. Every `$ref` resolves inside the document.
// 5. Every `{name}` in a path template is declared as a path parameter.
// 6. Every non-2xx response's JSON schema refers to components/schemas/Error, and every 4xx, 5xx
//    and default response has one; a response marked `x-error-shape: false` (GET /readyz's 503)
//    is exempt.
// Prints "openapi: N paths, M operations, valid", or each problem and exits 1.

import { readFileSync } from "node:fs";
import { extname } from "node:path";
import process from "node:process";

import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse as parseYaml } from "yaml";

const addFormats = addFormatsModule.default ?? addFormatsModule;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const ERROR_REF = "#/components/schemas/Error";
const DOC_ID = "https://coqueue.invalid/openapi.json";

function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isJsonMediaType(type) {
  const media = type.split(";")[0].trim().toLowerCase();
  return media === "application/json" || media.endsWith("+json");
}

function pointer(path) {
  return "#/" + path.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

function load(file) {
  let text;
  try {
    text = readFileSync(file, "utf-8");
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e.message}`);
  }
  try {
    return extname(file).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new Error(`cannot parse ${file}: ${e.message}`);
  }
}

// The value a local reference ("#/a/b") points to, or undefined.
function resolveLocal(doc, ref) {
  if (ref === "#") return doc;
  if (!ref.startsWith("#/")) return undefined;
  let node = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

// Every {$ref, where} in the document.
function collectRefs(node, path = [], out = []) {
  if (Array.isArray(node)) {
    node.forEach((v, i) => collectRefs(v, [...path, i], out));
  } else if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push({ ref: v, where: pointer(path) });
      else collectRefs(v, [...path, k], out);
    }
  }
  return out;
}

// Follows `$ref`s until an object that is not one (or a dead end).
function deref(doc, node) {
  const seen = new Set();
  while (isObject(node) && typeof node.$ref === "string" && !seen.has(node.$ref)) {
    seen.add(node.$ref);
    node = resolveLocal(doc, node.$ref);
  }
  return node;
}

// Whether a schema is Error, or is made of it (a $ref chain or allOf/anyOf/oneOf holding it).
function refersToError(doc, schema, seen = new Set()) {
  if (!isObject(schema)) return false;
  if (schema.$ref === ERROR_REF) return true;
  if (typeof schema.$ref === "string") {
    if (seen.has(schema.$ref)) return false;
    seen.add(schema.$ref);
    if (refersToError(doc, resolveLocal(doc, schema.$ref), seen)) return true;
  }
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    if (Array.isArray(schema[key]) && schema[key].some((s) => refersToError(doc, s, seen))) {
      return true;
    }
  }
  return false;
}

// Every place a Schema Object sits, as {schema, where, example?}.
function collectSchemas(doc) {
  const out = [];
  const add = (schema, path, example) => {
    if (schema !== undefined) out.push({ schema, where: pointer(path), example });
  };
  const fromParameter = (p, path) => {
    p = deref(doc, p);
    if (!isObject(p)) return;
    add(p.schema, [...path, "schema"], p.example);
    fromContent(p.content, [...path, "content"]);
  };
  const fromContent = (content, path) => {
    if (!isObject(content)) return;
    for (const [type, media] of Object.entries(content)) {
      if (isObject(media)) add(media.schema, [...path, type, "schema"], media.example);
    }
  };
  const fromHeaders = (headers, path) => {
    if (!isObject(headers)) return;
    for (const [name, h] of Object.entries(headers)) {
      if (isObject(h) && h.$ref === undefined) fromParameter(h, [...path, name]);
    }
  };
  const fromResponse = (r, path) => {
    if (!isObject(r) || r.$ref !== undefined) return;
    fromHeaders(r.headers, [...path, "headers"]);
    fromContent(r.content, [...path, "content"]);
  };
  const components = isObject(doc.components) ? doc.components : {};
  for (const [name, s] of Object.entries(components.schemas ?? {})) {
    add(s, ["components", "schemas", name], isObject(s) ? s.example : undefined);
  }
  for (const [name, p] of Object.entries(components.parameters ?? {})) {
    if (isObject(p) && p.$ref === undefined) fromParameter(p, ["components", "parameters", name]);
  }
  fromHeaders(components.headers, ["components", "headers"]);
  for (const [name, r] of Object.entries(components.responses ?? {})) {
    fromResponse(r, ["components", "responses", name]);
  }
  for (const [name, b] of Object.entries(components.requestBodies ?? {})) {
    if (isObject(b)) fromContent(b.content, ["components", "requestBodies", name, "content"]);
  }
  for (const [path, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    if (!isObject(item)) continue;
    (item.parameters ?? []).forEach((p, i) => {
      if (isObject(p) && p.$ref === undefined) fromParameter(p, ["paths", path, "parameters", i]);
    });
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const base = ["paths", path, method];
      (op.parameters ?? []).forEach((p, i) => {
        if (isObject(p) && p.$ref === undefined) fromParameter(p, [...base, "parameters", i]);
      });
      if (isObject(op.requestBody) && op.requestBody.$ref === undefined) {
        fromContent(op.requestBody.content, [...base, "requestBody", "content"]);
      }
      for (const [status, r] of Object.entries(isObject(op.responses) ? op.responses : {})) {
        fromResponse(r, [...base, "responses", status]);
      }
    }
  }
  return out;
}

function checkSchemas(doc, problems) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // OpenAPI's own keywords beside JSON Schema's.
  for (const keyword of ["discriminator", "xml", "externalDocs", "example"]) {
    ajv.addKeyword({ keyword });
  }
  // The document is added whole so that "#/components/..." inside its schemas resolves.
  ajv.addSchema({ ...doc, $id: DOC_ID });
  for (const { schema, where, example } of collectSchemas(doc)) {
    if (!ajv.validateSchema(schema)) {
      problems.push(`${where}: not a valid JSON Schema: ${ajv.errorsText(ajv.errors)}`);
      continue;
    }
    if (example === undefined) continue;
    let validate;
    try {
      validate = ajv.compile({ $ref: DOC_ID + where });
    } catch (e) {
      problems.push(`${where}: cannot compile the schema: ${e.message}`);
      continue;
    }
    if (!validate(example)) {
      problems.push(`${where}: the example does not match: ${ajv.errorsText(validate.errors)}`);
    }
  }
}

function checkDocument(doc) {
  const problems = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  let operations = 0;
  const operationIds = new Map();

  for (const { ref, where } of collectRefs(doc)) {
    if (!ref.startsWith("#")) {
      problems.push(`${where}: $ref '${ref}' is not inside this document`);
    } else if (resolveLocal(doc, ref) === undefined) {
      problems.push(`${where}: $ref '${ref}' does not resolve`);
    }
  }

  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const shared = (item.parameters ?? []).map((p) => deref(doc, p)).filter(isObject);
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      operations += 1;
      const name = `${method.toUpperCase()} ${path}`;

      if (typeof op.operationId !== "string" || op.operationId === "") {
        problems.push(`${name}: no operationId`);
      } else if (operationIds.has(op.operationId)) {
        problems.push(
          `${name}: operationId '${op.operationId}' is also used by ${operationIds.get(op.operationId)}`,
        );
      } else {
        operationIds.set(op.operationId, name);
      }

      const params = [...shared, ...(op.parameters ?? []).map((p) => deref(doc, p))];
      for (const [, template] of path.matchAll(/\{([^}]+)\}/g)) {
        const declared = params.some(
          (p) => isObject(p) && p.in === "path" && p.name === template && p.required === true,
        );
        if (!declared) problems.push(`${name}: path parameter '${template}' is not declared`);
      }

      if (!isObject(op.responses) || Object.keys(op.responses).length === 0) {
        problems.push(`${name}: no responses`);
        continue;
      }
      for (const [status, raw] of Object.entries(op.responses)) {
        if (/^2/.test(status)) continue;
        const response = deref(doc, raw);
        if (!isObject(response)) continue; // a dead $ref, reported above
        if (response["x-error-shape"] === false) continue;
        const where = `${name} response ${status}`;
        const json = Object.entries(isObject(response.content) ? response.content : {}).filter(
          ([type]) => isJsonMediaType(type),
        );
        if (json.length === 0 && /^([45]|default$)/i.test(status)) {
          problems.push(`${where}: no application/json body (the Error schema)`);
        }
        for (const [type, media] of json) {
          if (!refersToError(doc, isObject(media) ? media.schema : undefined)) {
            problems.push(`${where}: the ${type} schema does not refer to ${ERROR_REF}`);
          }
        }
      }
    }
  }

  if (resolveLocal(doc, ERROR_REF) === undefined) problems.push(`${ERROR_REF} is missing`);
  checkSchemas(doc, problems);
  return { problems, paths: Object.keys(paths).length, operations };
}

function formatSchemaErrors(errors) {
  if (!Array.isArray(errors)) return [String(errors)];
  const lines = errors.map((e) => {
    const at = e.instancePath === "" ? "(document)" : e.instancePath;
    const extra = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : "";
    return `${at}: ${e.message}${extra}`;
  });
  return [...new Set(lines)];
}

async function main() {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    console.error("usage: node tests/openapi/validate.mjs <openapi.yaml | openapi.json>");
    return 2;
  }
  let doc;
  try {
    doc = load(file);
  } catch (e) {
    console.error(`openapi: ${e.message}`);
    return 1;
  }
  if (!isObject(doc)) {
    console.error(`openapi: ${file} does not hold an object`);
    return 1;
  }
  if (typeof doc.openapi !== "string" || !doc.openapi.startsWith("3.1.")) {
    console.error(`openapi: ${file}: expected "openapi: 3.1.x", found ${JSON.stringify(doc.openapi)}`);
    return 1;
  }

  const problems = [];
  const result = await new Validator().validate(structuredClone(doc));
  if (!result.valid) {
    const shown = formatSchemaErrors(result.errors);
    problems.push(...shown.slice(0, 40).map((l) => `OpenAPI 3.1 schema: ${l}`));
    if (shown.length > 40) problems.push(`OpenAPI 3.1 schema: ... and ${shown.length - 40} more`);
  }
  let summary;
  try {
    summary = checkDocument(doc);
  } catch (e) {
    problems.push(`the checks failed: ${e.stack ?? e}`);
  }
  if (summary) problems.push(...summary.problems);

  if (problems.length > 0) {
    for (const p of problems) console.error(`openapi: ${p}`);
    console.error(`openapi: ${file}: ${problems.length} problem(s), invalid`);
    return 1;
  }
  console.log(`openapi: ${summary.paths} paths, ${summary.operations} operations, valid`);
  return 0;
}

process.exitCode = await main();
