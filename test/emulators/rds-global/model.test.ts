import { GlobalDatabases, type Member } from './model.js';
import { child, element, parseXml, renderXml, setChild, textOf } from './xml.js';

const primary = 'arn:aws:rds:us-east-1:123456789012:cluster:ledger';
const secondary = 'arn:aws:rds:us-west-2:123456789012:cluster:ledger-dr';
// What moto 5.2.1 shows after CreateGlobalCluster from `ledger` and a secondary joining: no writer.
const motoMembers: Member[] = [
  { arn: primary, isWriter: false },
  { arn: secondary, isWriter: false },
];

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('GlobalDatabases', () => {
  test('the source cluster of the global database is its writer, nothing in flight', () => {
    const g = new GlobalDatabases({ pendingMs: 100, switchMs: 1000 });
    expect(g.view('ledger-global', motoMembers)).toEqual({ writer: primary, status: 'available' });
  });

  test('a switchover is pending, then switching over, then done with the target as writer', () => {
    const c = clock();
    const g = new GlobalDatabases({ pendingMs: 100, switchMs: 1000 }, c.now);
    const r = g.begin('ledger-global', motoMembers, 'switchover', secondary);
    const inFlight = { from: primary, to: secondary, dataLossAllowed: false };
    expect(r).toEqual({
      view: { writer: primary, status: 'switching-over', failover: { status: 'pending', ...inFlight } },
    });
    c.advance(100);
    expect(g.view('LEDGER-GLOBAL', motoMembers)).toEqual({
      writer: primary,
      status: 'switching-over',
      failover: { status: 'switching-over', ...inFlight },
    });
    c.advance(900);
    expect(g.view('ledger-global', motoMembers)).toEqual({ writer: secondary, status: 'available' });
  });

  test('a failover with data loss shows failing-over and IsDataLossAllowed', () => {
    const c = clock();
    const g = new GlobalDatabases({ pendingMs: 0, switchMs: 1000 }, c.now);
    g.begin('ledger-global', motoMembers, 'failover', 'ledger-dr');
    expect(g.view('ledger-global', motoMembers)).toMatchObject({
      status: 'failing-over',
      failover: { status: 'failing-over', to: secondary, dataLossAllowed: true },
    });
  });

  test('refusals: unknown global cluster, non-member target, target already the writer, a move in flight', () => {
    const c = clock();
    const g = new GlobalDatabases({ pendingMs: 100, switchMs: 1000 }, c.now);
    const code = (r: ReturnType<GlobalDatabases['begin']>) => ('error' in r ? r.error.code : 'accepted');
    expect(code(g.begin('nope', undefined, 'switchover', secondary))).toBe('GlobalClusterNotFoundFault');
    expect(
      code(g.begin('ledger-global', motoMembers, 'switchover', 'arn:aws:rds:eu-west-1:1:cluster:x')),
    ).toBe('DBClusterNotFoundFault');
    expect(code(g.begin('ledger-global', motoMembers, 'switchover', primary))).toBe(
      'InvalidDBClusterStateFault',
    );
    expect(code(g.begin('ledger-global', motoMembers, 'switchover', secondary))).toBe('accepted');
    expect(code(g.begin('ledger-global', motoMembers, 'switchover', secondary))).toBe(
      'InvalidGlobalClusterStateFault',
    );
    c.advance(1000);
    expect(code(g.begin('ledger-global', motoMembers, 'switchover', secondary))).toBe(
      'InvalidDBClusterStateFault',
    );
    expect(code(g.begin('ledger-global', motoMembers, 'switchover', primary))).toBe('accepted');
  });

  test('reset forgets every move', () => {
    const c = clock();
    const g = new GlobalDatabases({ pendingMs: 0, switchMs: 0 }, c.now);
    g.begin('ledger-global', motoMembers, 'switchover', secondary);
    expect(g.view('ledger-global', motoMembers).writer).toBe(secondary);
    g.reset();
    expect(g.view('ledger-global', motoMembers).writer).toBe(primary);
  });
});

describe('xml', () => {
  const reply =
    '<R xmlns="urn:x"><Result><Items><Item><Name>a &amp; b</Name><Empty/></Item></Items></Result></R>';

  test('parse and render give back what came in', () => {
    expect(renderXml(parseXml(reply))).toBe(reply);
  });

  test('text is unescaped when read and escaped when written', () => {
    const doc = parseXml(reply);
    const item = child(child(child(doc, 'Result'), 'Items'), 'Item')!;
    expect(textOf(item, 'Name')).toBe('a & b');
    setChild(item, element('Name', '<c>'));
    expect(renderXml(doc)).toContain('<Name>&lt;c&gt;</Name><Empty/>');
  });

  test('a broken document is refused', () => {
    expect(() => parseXml('<A><B></A>')).toThrow(/closes/);
  });
});
