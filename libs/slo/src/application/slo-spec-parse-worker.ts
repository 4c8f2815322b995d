import { parentPort } from 'node:worker_threads';
import { OpenSloImportError, SloValidationError } from '../domain/errors';
import { importSloSpecs } from '../domain/slo-spec-import';
import type { SpecParseReply, SpecParseRequest } from './slo-spec-parse-protocol';

/**
 * Worker thread of SloSpecParser: reads one YAML text at a time with the pure
 * importer and posts back plain data (the definitions, or the typed error's
 * fields so the serving thread re-throws the same domain error).
 */
const port = parentPort;
if (port === null) throw new Error('slo-spec-parse-worker must run in a worker thread');

port.on('message', (request: SpecParseRequest) => {
  let reply: SpecParseReply;
  try {
    reply = { id: request.id, ok: true, value: importSloSpecs(request.text, request.options) };
  } catch (error) {
    if (error instanceof OpenSloImportError) reply = { id: request.id, ok: false, error: { type: 'import', issues: error.issues } };
    else if (error instanceof SloValidationError)
      reply = { id: request.id, ok: false, error: { type: 'validation', field: error.field, message: error.message } };
    else reply = { id: request.id, ok: false, error: { type: 'other', message: error instanceof Error ? error.message : String(error) } };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
