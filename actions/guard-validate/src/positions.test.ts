import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../test/harness/run-action.js';
import { TemplateParseError, locate, parseTemplate } from './positions.js';

const dir = join(REPO_ROOT, 'test/fixtures/guard-validate/locations');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

/** Expected positions written by hand from the fixture files (1-based line, column of the key). */
const YAML_CASES: Array<[string, number, number, boolean]> = [
  ['/Resources/Web/Properties/SecurityGroupIngress/2/CidrIp', 25, 11, true],
  ['/Resources/Web/Properties/SecurityGroupIngress/2', 22, 11, true],
  ['/Resources/Web/Properties/SecurityGroupIngress/0/FromPort', 15, 11, true],
  ['/Resources/Web/Properties/GroupDescription/Fn::Sub', 11, 7, true],
  ['/Resources/Web/Properties/VpcId/Fn::ImportValue', 12, 7, true],
  ['/Resources/Role/Properties/RoleName/Fn::If/2/Ref', 34, 41, true],
  ['/Resources/Role/Properties/RoleName/Fn::If/1', 34, 30, true],
  ['/Resources/Bucket/Properties/BucketName/Fn::Join/1/0/Ref', 38, 32, true],
  ['/Resources/Bucket/Properties/LoggingConfiguration/DestinationBucketName/Fn::GetAtt/0', 40, 32, true],
  ['/Resources/Role/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Service', 32, 26, true],
  // missing properties: the nearest existing parent key
  ['/Resources/Bucket/Properties/BucketEncryption', 37, 5, false],
  ['/Resources/Logs/Properties', 41, 3, false],
  ['/Resources/Role/Properties/PermissionsBoundary', 28, 5, false],
  ['/Conditions/IsProd/Fn::Equals/0/Ref', 3, 20, true],
];

describe('locate in YAML with short-form tags', () => {
  const parsed = parseTemplate(read('short-forms.yaml'), 'short-forms.yaml');
  test.each(YAML_CASES)('%s -> %i:%i', (pointer, line, column, exact) => {
    expect(locate(parsed.root, pointer)).toMatchObject({ line, column, exact });
  });

  test('short forms become long forms in the plain value', () => {
    const data = parsed.data as any;
    expect(data.Resources.Role.Properties.RoleName).toEqual({
      'Fn::If': ['IsProd', 'prod-role', { Ref: 'AWS::NoValue' }],
    });
    expect(data.Resources.Bucket.Properties.LoggingConfiguration.DestinationBucketName).toEqual({
      'Fn::GetAtt': ['Logs', 'Arn'],
    });
    expect(data.Resources.Web.Properties.VpcId).toEqual({ 'Fn::ImportValue': 'shared-vpc' });
  });

  test('CRLF line endings and a UTF-8 BOM leave lines and columns unchanged', () => {
    const crlf = '\uFEFF' + read('short-forms.yaml').replace(/\n/g, '\r\n');
    const p = parseTemplate(crlf, 'x.yaml');
    for (const [pointer, line, column, exact] of YAML_CASES)
      expect(locate(p.root, pointer)).toMatchObject({ line, column, exact });
  });
});

describe('locate in JSON', () => {
  test('pretty', () => {
    const p = parseTemplate(read('pretty.json'), 'pretty.json');
    expect(p.format).toBe('json');
    expect(locate(p.root, '/Resources/Db/Properties/StorageEncrypted')).toMatchObject({
      line: 8,
      column: 9,
      exact: true,
    });
    expect(locate(p.root, '/Resources/Db/Properties/VPCSecurityGroups/1')).toMatchObject({
      line: 13,
      column: 11,
    });
    expect(locate(p.root, '/Resources/Db/Properties/VPCSecurityGroups/1/Fn::GetAtt/1')).toMatchObject({
      line: 16,
      column: 15,
    });
    expect(locate(p.root, '/Resources/Vol/Properties/KmsKeyId')).toMatchObject({
      line: 24,
      column: 7,
      exact: false,
    });
  });

  test('minified: line 1, the column of the key', () => {
    const p = parseTemplate(read('minified.json'), 'minified.json');
    // offsets 124, 182 and 217 (0-based) from `grep -bo`
    expect(locate(p.root, '/Resources/Db/Properties/StorageEncrypted')).toMatchObject({
      line: 1,
      column: 125,
    });
    expect(locate(p.root, '/Resources/Db/Properties/VPCSecurityGroups/1')).toMatchObject({
      line: 1,
      column: 183,
    });
    expect(locate(p.root, '/Resources/Vol')).toMatchObject({ line: 1, column: 218 });
  });

  test('CRLF and BOM JSON', () => {
    const p = parseTemplate('\uFEFF' + read('pretty.json').replace(/\n/g, '\r\n'), 'x.json');
    expect(locate(p.root, '/Resources/Db/Properties/StorageEncrypted')).toMatchObject({ line: 8, column: 9 });
  });

  test('the same value as JSON.parse', () => {
    expect(parseTemplate(read('pretty.json'), 'a.json').data).toEqual(JSON.parse(read('pretty.json')));
    const tricky = '{"a":"x\\"y\\u00e9","b":[1,-2.5e3,true,null,{}],"c":[]}';
    expect(parseTemplate(tricky, 'a.json').data).toEqual(JSON.parse(tricky));
  });
});

describe('parse errors carry the line', () => {
  test('YAML', () => {
    const text = 'Resources:\n  A:\n    Type: AWS::SNS::Topic\n   Bad: [\n';
    expect(() => parseTemplate(text, 'a.yaml')).toThrow(TemplateParseError);
    try {
      parseTemplate(text, 'a.yaml');
    } catch (err) {
      expect((err as TemplateParseError).line).toBe(4);
    }
  });

  test('JSON', () => {
    const text = '{\n  "Resources": {\n    "A": { "Type": "AWS::SNS::Topic", }\n  }\n}\n';
    try {
      parseTemplate(text, 'a.json');
      throw new Error('parsed');
    } catch (err) {
      expect(err).toBeInstanceOf(TemplateParseError);
      expect((err as TemplateParseError).line).toBe(3);
    }
  });
});

test('keys with a slash (Guard does not escape them) and ~ escapes', () => {
  const p = parseTemplate(
    'Mappings:\n  Paths:\n    api/v1:\n      Prefix: x\n    "a~b":\n      Prefix: y\n',
    'm.yaml',
  );
  expect(locate(p.root, '/Mappings/Paths/api/v1/Prefix')).toMatchObject({ line: 4, column: 7, exact: true });
  expect(locate(p.root, '/Mappings/Paths/a~0b/Prefix')).toMatchObject({ line: 6, column: 7, exact: true });
  expect(locate(p.root, '/Mappings/Paths/api/v2')).toMatchObject({ line: 2, column: 3, exact: false });
});
