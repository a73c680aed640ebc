import { ClientFrameSchema, errorBody, invalidRequestBody } from '@handoff/protocol';
import type { ClientFrame, ConfirmRequest, ErrorBody } from '@handoff/protocol';
import type { RawData } from 'ws';
import { AgentServerError } from '../errors';

/** What the command frames need from the conversations. */
export interface CommandPort {
  sendMessage(id: string, text: string): Promise<unknown>;
  interrupt(id: string): Promise<unknown>;
  confirm(id: string, request: ConfirmRequest): Promise<unknown>;
}

/** Runs `send_message`, `interrupt` or `confirm` exactly as the matching REST route does. */
export function handleCommandFrame(
  port: CommandPort,
  id: string,
  frame: Exclude<ClientFrame, { type: 'hello' }>,
): Promise<unknown> {
  switch (frame.type) {
    case 'send_message':
      return port.sendMessage(id, frame.text);
    case 'interrupt':
      return port.interrupt(id);
    case 'confirm':
      return port.confirm(id, {
        accept: frame.accept,
        ...(frame.reason === undefined ? {} : { reason: frame.reason }),
      });
  }
}

/** The error frame body of a failed command: the caller's mistake as is, anything else as `internal_error`. */
export function errorBodyOf(error: unknown): ErrorBody {
  if (error instanceof AgentServerError) return error.toBody();
  return errorBody('internal_error', 'The frame could not be handled; the agent server log has the details.');
}

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
