import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, readBody } from '../../harness/loopback.js';

/** An error the emulator answers as AWS JSON 1.1: HTTP 400 with `{"__type": name, "message": ...}`. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export const fail = (type: string, message: string): never => {
  throw new ApiError(type, message);
};

/** A request body as text; past `maxBytes` the service's own 413 (JSON 1.1 protocol). */
export async function readText(req: IncomingMessage, maxBytes: number): Promise<string> {
  try {
    return (await readBody(req, maxBytes)).toString('utf8');
  } catch (err) {
    if (err instanceof BodyTooLargeError)
      throw new ApiError('SerializationException', 'Request body too large.', 413);
    throw err;
  }
}
