export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(text: string): Arn | undefined {
  const m = /^arn:([a-z-]+):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws|):(.+)$/.exec(text);
  if (!m) return undefined;
  return { partition: m[1]!, service: m[2]!, region: m[3]!, account: m[4]!, resource: m[5]! };
}

export function partitionOf(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The AWS console host for a region's partition. */
export function consoleHost(region: string): string {
  switch (partitionOf(region)) {
    case 'aws-cn':
      return 'console.amazonaws.cn';
    case 'aws-us-gov':
      return 'console.amazonaws-us-gov.com';
    default:
      return 'console.aws.amazon.com';
  }
}

/** A console deep link: `consoleUrl('eu-west-1', 'rds', '#database:id=db1')`. */
export function consoleUrl(region: string, service: string, fragment: string): string {
  return `https://${region}.${consoleHost(region)}/${service}/home?region=${region}${fragment}`;
}
