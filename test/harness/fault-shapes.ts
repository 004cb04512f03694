/**
 * Error replies in each protocol's own shape, so the SDK (or Octokit) parses an injected fault exactly
 * like a real one: the query protocol's `<ErrorResponse>` XML (RDS), AWS JSON 1.1 `__type` (ECS,
 * CodeDeploy), Smithy RPC v2 CBOR (CloudWatch), and GitHub's REST JSON.
 */
export type Protocol = 'query' | 'json' | 'cbor' | 'rest-json';

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** AWS JSON services name throttling `ThrottlingException`; query services say `Throttling`. */
function jsonCode(code: string): string {
  return code === 'Throttling' ? 'ThrottlingException' : code;
}

/** A CBOR map of text strings (all an error body needs): major type 5 of major type 3 items. */
export function cborTextMap(entries: Record<string, string>): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
    if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  const text = (s: string) => {
    const bytes = Buffer.from(s, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  };
  const parts = [head(5, Object.keys(entries).length)];
  for (const [k, v] of Object.entries(entries)) parts.push(text(k), text(v));
  return Buffer.concat(parts);
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function errorReply(
  protocol: Protocol,
  status: number,
  code: string,
  message: string,
  requestId: string,
): ErrorReply {
  switch (protocol) {
    case 'query': {
      const type = status >= 500 ? 'Receiver' : 'Sender';
      const xml =
        `<ErrorResponse><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code>` +
        `<Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      return {
        status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: Buffer.from(xml),
      };
    }
    case 'json': {
      const type = jsonCode(code);
      return {
        status,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': type,
        },
        body: Buffer.from(JSON.stringify({ __type: type, message })),
      };
    }
    case 'cbor':
      return {
        status,
        headers: {
          'content-type': 'application/cbor',
          'smithy-protocol': 'rpc-v2-cbor',
          'x-amzn-requestid': requestId,
        },
        body: cborTextMap({ __type: jsonCode(code), message }),
      };
    case 'rest-json': {
      // GitHub: throttling is a 403 (or 429) "secondary rate limit" with retry-after.
      const throttled = code === 'Throttling';
      return {
        status: throttled ? 403 : status,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-github-request-id': requestId,
          ...(throttled ? { 'retry-after': '1' } : {}),
        },
        body: Buffer.from(
          JSON.stringify({
            message: throttled
              ? 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
              : message,
          }),
        ),
      };
    }
  }
}
