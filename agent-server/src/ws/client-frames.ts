import { ClientFrameSchema, errorBody, invalidRequestBody } from '@handoff/protocol';
import type { ClientFrame, ErrorBody } from '@handoff/protocol';
import type { RawData } from 'ws';

/** Parses one client frame; what does not parse becomes the `invalid_request` body to answer with. */
export function parseClientFrame(data: RawData, isBinary: boolean): ClientFrame | ErrorBody {
  if (isBinary) return errorBody('invalid_request', 'Frames must be JSON text, not binary.');
  let raw: unknown;
  try {
    raw = JSON.parse(rawDataToString(data));
  } catch {
    return errorBody('invalid_request', 'The frame is not valid JSON.');
  }
  const parsed = ClientFrameSchema.safeParse(raw);
  return parsed.success ? parsed.data : invalidRequestBody('frame', parsed.error);
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
