import { bypassesProxy, proxyAgents, readProxyEnv } from './proxy.js';

test('no proxy variables: no agents, the SDK keeps its own handler', () => {
  expect(readProxyEnv({})).toBeUndefined();
  expect(proxyAgents({ NO_PROXY: 'x' })).toBeUndefined();
});

test('upper and lower case, lower case first like curl; NO_PROXY split on commas and spaces', () => {
  expect(
    readProxyEnv({ HTTPS_PROXY: 'http://a:1', https_proxy: 'http://b:2', no_proxy: 'x.com, .y.com  z:8080' }),
  ).toEqual({
    httpProxy: undefined,
    httpsProxy: 'http://b:2',
    noProxy: ['x.com', '.y.com', 'z:8080'],
  });
});

test.each([
  ['rds.us-east-1.amazonaws.com', 443, ['amazonaws.com'], true],
  ['rds.us-east-1.amazonaws.com', 443, ['.amazonaws.com'], true],
  ['rds.us-east-1.amazonaws.com', 443, ['*.amazonaws.com'], true],
  ['notamazonaws.com', 443, ['amazonaws.com'], false],
  ['127.0.0.1', 5000, ['127.0.0.1'], true],
  ['127.0.0.1', 5000, ['127.0.0.1:5001'], false],
  ['127.0.0.1', 5001, ['127.0.0.1:5001'], true],
  ['::1', 80, ['[::1]'], true],
  ['::1', 80, ['::1'], true],
  ['::1', 80, ['[::1]:81'], false],
  ['anything', 1, ['*'], true],
  ['api.github.com', 443, [], false],
])('bypassesProxy(%s:%d, %j) is %s', (host, port, list, expected) => {
  expect(bypassesProxy(host, port, list)).toBe(expected);
});

test('a malformed proxy URL is a configuration error naming the variable', () => {
  expect(() => proxyAgents({ HTTPS_PROXY: 'proxy.internal:3128' })).toThrow(
    'environment variable HTTPS_PROXY is "proxy.internal:3128": expected a proxy URL such as http://proxy.internal:3128',
  );
  expect(proxyAgents({ HTTPS_PROXY: 'http://127.0.0.1:3128' })).toMatchObject({
    httpAgent: expect.anything(),
    httpsAgent: expect.anything(),
  });
});
