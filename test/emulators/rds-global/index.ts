/**
 * Aurora global database moves in front of moto: SwitchoverGlobalCluster and FailoverGlobalCluster
 * (moto 5.2.1 answers both with an HTML 500) are run here, and DescribeGlobalClusters answers show
 * where the writer is and the move in flight. Every other call, of any service, goes to moto as it
 * came. See README.md.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { forward as forwardTo, readBody, serveOnLoopback } from '../../harness/loopback.js';
import { randomUUID } from 'node:crypto';
import { describeRequest } from '../../harness/faults.js';
import { errorReply } from '../../harness/fault-shapes.js';
import { GlobalDatabases, type ApiError, type GlobalView, type Member, type MoveKind } from './model.js';
import {
  child,
  childrenNamed,
  element,
  parseXml,
  removeChild,
  renderXml,
  setChild,
  textOf,
  type XmlElement,
} from './xml.js';

export type { GlobalView } from './model.js';

export interface RdsGlobalEmulatorOptions {
  /** moto's URL (loopback only). */
  target: string;
  /** Default 500 ms. */
  pendingMs?: number;
  /** From acceptance until the writer has moved; default 2500 ms. */
  switchMs?: number;
  /** The server closes itself after this long (default 30 minutes). */
  maxLifetimeMs?: number;
}

export interface EmulatorCall {
  service: string;
  operation: string;
  region: string;
  params: Record<string, string>;
  at: number;
  /** Answered here rather than by moto. */
  emulated: boolean;
  status?: number;
  /** DescribeGlobalClusters: what each global cluster in the answer showed. */
  shown?: Array<{ id: string } & GlobalView>;
}

export interface GlobalMove {
  operation: 'SwitchoverGlobalCluster' | 'FailoverGlobalCluster';
  kind: MoveKind;
  region: string;
  globalClusterId: string;
  target: string;
  at: number;
  /** Absent when the move was accepted; else the error code answered. */
  error?: string;
}

export interface RdsGlobalEmulator {
  url: string;
  calls: EmulatorCall[];
  /** Every switchover and failover asked for, accepted or refused, in order. */
  moves: GlobalMove[];
  /** Forget moves, writers and calls (reset moto separately). */
  reset(): void;
  stop(): Promise<void>;
}

const XMLNS = 'http://rds.amazonaws.com/doc/2014-10-31/';
const TIMEOUT_MS = 30_000;

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function forward(
  target: URL,
  method: string,
  path: string,
  headers: IncomingMessage['headers'],
  body: Buffer,
): Promise<Answer> {
  return forwardTo(target, { method, path, headers }, body, TIMEOUT_MS);
}

/** moto's own DescribeGlobalClusters in `region` (it reads the region from the signature's scope). */
async function motoGlobals(target: URL, region: string): Promise<XmlElement[]> {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const body = Buffer.from('Action=DescribeGlobalClusters&Version=2014-10-31');
  const a = await forward(
    target,
    'POST',
    '/',
    {
      host: target.host,
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: `AWS4-HMAC-SHA256 Credential=rds-global-emulator/${day}/${region}/rds/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body,
  );
  if (a.status !== 200) throw new Error(`moto DescribeGlobalClusters answered ${a.status}`);
  return globalsOf(parseXml(a.body.toString('utf8')));
}

function globalsOf(doc: XmlElement): XmlElement[] {
  return childrenNamed(
    child(child(doc, 'DescribeGlobalClustersResult'), 'GlobalClusters'),
    'GlobalClusterMember',
  );
}

function membersOf(g: XmlElement): Member[] {
  return childrenNamed(child(g, 'GlobalClusterMembers'), 'GlobalClusterMember').map((m) => ({
    arn: textOf(m, 'DBClusterArn') ?? '',
    isWriter: textOf(m, 'IsWriter') === 'true',
  }));
}

/** Does `g` answer to `id` (its identifier or ARN, case-insensitive, as RDS matches it)? */
function named(g: XmlElement, id: string): boolean {
  const want = id.toLowerCase();
  return [textOf(g, 'GlobalClusterIdentifier'), textOf(g, 'GlobalClusterArn')].some(
    (v) => v?.toLowerCase() === want,
  );
}

/** Edit a GlobalCluster element to show `v`: status, the writer (with its Readers), FailoverState. */
function show(g: XmlElement, v: GlobalView): void {
  setChild(g, element('Status', v.status));
  const members = childrenNamed(child(g, 'GlobalClusterMembers'), 'GlobalClusterMember');
  const arns = members.map((m) => textOf(m, 'DBClusterArn') ?? '');
  for (const m of members) {
    const writer = textOf(m, 'DBClusterArn') === v.writer;
    setChild(m, element('IsWriter', String(writer)));
    setChild(
      m,
      element('Readers', writer ? arns.filter((a) => a !== v.writer).map((a) => element('member', a)) : []),
    );
  }
  removeChild(g, 'FailoverState');
  if (v.failover)
    g.children.push(
      element('FailoverState', [
        element('Status', v.failover.status),
        element('FromDbClusterArn', v.failover.from),
        element('ToDbClusterArn', v.failover.to),
        element('IsDataLossAllowed', String(v.failover.dataLossAllowed)),
      ]),
    );
}

function sendXml(res: ServerResponse, call: EmulatorCall, status: number, xml: string): void {
  call.status = status;
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(xml);
}

function sendError(res: ServerResponse, call: EmulatorCall, e: ApiError): void {
  const r = errorReply('query', e.status, e.code, e.message, randomUUID());
  call.status = r.status;
  res.writeHead(r.status, { ...r.headers, 'content-length': r.body.length });
  res.end(r.body);
}

function result(operation: string, inner: XmlElement[]): string {
  const doc: XmlElement = {
    name: `${operation}Response`,
    attrs: ` xmlns="${XMLNS}"`,
    children: [
      element(`${operation}Result`, inner),
      element('ResponseMetadata', [element('RequestId', randomUUID())]),
    ],
  };
  return renderXml(doc);
}

export async function startRdsGlobalEmulator(opts: RdsGlobalEmulatorOptions): Promise<RdsGlobalEmulator> {
  const target = new URL(opts.target);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname))
    throw new Error(`the RDS global emulator only forwards to loopback, not ${target.hostname}`);
  const model = new GlobalDatabases({ pendingMs: opts.pendingMs ?? 500, switchMs: opts.switchMs ?? 2500 });
  const calls: EmulatorCall[] = [];
  const moves: GlobalMove[] = [];

  const move = async (res: ServerResponse, call: EmulatorCall) => {
    const p = call.params;
    const operation = call.operation as GlobalMove['operation'];
    const id = p.GlobalClusterIdentifier ?? '';
    const to = p.TargetDbClusterIdentifier ?? '';
    if (!id || !to)
      return sendError(res, call, {
        status: 400,
        code: 'MissingParameter',
        message: `${operation} needs GlobalClusterIdentifier and TargetDbClusterIdentifier`,
      });
    const dataLoss = p.AllowDataLoss === 'true';
    if (dataLoss && p.Switchover === 'true')
      return sendError(res, call, {
        status: 400,
        code: 'InvalidParameterCombination',
        message: 'AllowDataLoss and Switchover cannot both be set',
      });
    const kind: MoveKind = dataLoss ? 'failover' : 'switchover';
    const g = (await motoGlobals(target, call.region)).find((x) => named(x, id));
    const key = g ? textOf(g, 'GlobalClusterIdentifier')! : id;
    const r = model.begin(key, g && membersOf(g), kind, to);
    const error = 'error' in r ? r.error : undefined;
    moves.push({
      operation,
      kind,
      region: call.region,
      globalClusterId: key,
      target: to,
      at: call.at,
      error: error?.code,
    });
    if (error) return sendError(res, call, error);
    show(g!, (r as { view: GlobalView }).view);
    g!.name = 'GlobalCluster';
    sendXml(res, call, 200, result(operation, [g!]));
  };

  const describe = async (res: ServerResponse, call: EmulatorCall, answer: Answer) => {
    const doc = parseXml(answer.body.toString('utf8'));
    const list = child(child(doc, 'DescribeGlobalClustersResult'), 'GlobalClusters');
    const id = call.params.GlobalClusterIdentifier;
    // moto ignores GlobalClusterIdentifier and lists every global cluster.
    if (list && id) list.children = list.children.filter((g) => named(g, id));
    if (id && !list?.children.length)
      return sendError(res, call, {
        status: 404,
        code: 'GlobalClusterNotFoundFault',
        message: `Global cluster ${id} not found`,
      });
    call.shown = [];
    for (const g of globalsOf(doc)) {
      const gid = textOf(g, 'GlobalClusterIdentifier') ?? '';
      const v = model.view(gid, membersOf(g));
      show(g, v);
      call.shown.push({ id: gid, ...v });
    }
    sendXml(res, call, 200, renderXml(doc));
  };

  const server = createServer((req, res) => {
    void (async () => {
      let call: EmulatorCall | undefined;
      try {
        const body = await readBody(req);
        const d = describeRequest(req, body);
        const query = d.service === 'rds' && d.protocol === 'query';
        const emulated =
          query && (d.operation === 'SwitchoverGlobalCluster' || d.operation === 'FailoverGlobalCluster');
        call = {
          service: d.service,
          operation: d.operation,
          region: d.region,
          params: d.params,
          at: Date.now(),
          emulated,
        };
        calls.push(call);
        if (emulated) return await move(res, call);
        const answer = await forward(target, req.method ?? 'GET', req.url ?? '/', req.headers, body);
        if (query && d.operation === 'DescribeGlobalClusters' && answer.status === 200) {
          call.emulated = true;
          return await describe(res, call, answer);
        }
        call.status = answer.status;
        const headers = Object.fromEntries(
          Object.entries(answer.headers).filter(
            ([k]) => !['transfer-encoding', 'connection', 'content-length'].includes(k),
          ),
        );
        res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
        res.end(answer.body);
      } catch (err) {
        if (res.headersSent) return void res.destroy();
        if (call) call.status = 502;
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`rds global emulator: ${String((err as Error)?.message ?? err)}`);
      }
    })();
  });
  const { url, stop } = await serveOnLoopback(server, { lifetimeMs: opts.maxLifetimeMs });

  return {
    url,
    calls,
    moves,
    reset() {
      model.reset();
      calls.length = 0;
      moves.length = 0;
    },
    stop,
  };
}

/** For e2e files: one emulator in front of `target()` per file, forgotten before each test. */
export function useRdsGlobalEmulator(
  target: () => string,
  opts: Omit<RdsGlobalEmulatorOptions, 'target'> = {},
): () => RdsGlobalEmulator {
  let emulator: RdsGlobalEmulator | undefined;
  beforeAll(async () => {
    emulator = await startRdsGlobalEmulator({ ...opts, target: target() });
  });
  beforeEach(() => emulator?.reset());
  afterAll(async () => {
    await emulator?.stop();
    emulator = undefined;
  });
  return () => {
    if (!emulator)
      throw new Error('RDS global emulator not started: call useRdsGlobalEmulator() at the top of the file');
    return emulator;
  };
}
