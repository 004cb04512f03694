/**
 * The pinned engine: cfn-guard 3.1.1 from @cdklabs/cdk-validator-cfnguard 0.0.62. The build hook
 * refuses to copy a binary whose digest differs, and the action checks the digest again before it
 * runs the copy next to the bundle. Updating the engine means updating these digests on purpose.
 */
export const ENGINE_PACKAGE = '@cdklabs/cdk-validator-cfnguard@0.0.62';
export const ENGINE_VERSION = '3.1.1';

export const ENGINE_SHA256: Record<string, string> = {
  'ubuntu/x86_64': '9c7a820318676dc7372f6756ddfc7ca5f0c019299fb5505fda6dfd54718c58bd',
  'ubuntu/aarch64': 'f596043df77b6e839759e90e3d08671b5384c6e07d4a9c34f6d0bfbc76148154',
  'macos/x86_64': '3e8118e3c4cd98901b3a21b7037a40674023945349ad4661f1a7101f2d96c31f',
  'macos/aarch64': '89e97faaabb5431bc16d0487b5c8e67573e3f84e397b87985bfb02c2bdd4f46a',
};
