/**
 * The emulator's link to moto's ECS: forward a client's request as it came (moto reads region and
 * service from the signature and does not verify it), or make a call of our own with a dummy
 * signature scoped to ecs and the emulator's region.
 */
export interface MotoReply {
  status: number;
  contentType: string;
  text: string;
}

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';
const TIMEOUT_MS = 15_000;

export class MotoEcs {
  constructor(
    private readonly endpoint: string,
    private readonly region: string,
  ) {}

  async send(operation: string, body: string, authorization?: string): Promise<MotoReply> {
    const date = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const res = await fetch(this.endpoint.replace(/\/$/, '') + '/', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': TARGET_PREFIX + operation,
        'x-amz-date': date,
        authorization:
          authorization ??
          `AWS4-HMAC-SHA256 Credential=ecs-native-emulator/${date.slice(0, 8)}/${this.region}/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? 'application/x-amz-json-1.1',
      text: await res.text(),
    };
  }

  /** A call of our own that must succeed; the parsed answer. */
  async call(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await this.send(operation, JSON.stringify(input));
    if (reply.status !== 200) {
      throw new Error(`moto ${operation} answered ${reply.status}: ${reply.text.slice(0, 300)}`);
    }
    return JSON.parse(reply.text) as Record<string, unknown>;
  }
}

export { TARGET_PREFIX };
