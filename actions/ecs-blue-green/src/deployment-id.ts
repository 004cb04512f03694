/**
 * What `deployment-id` may name for `command: continue|stop`: a CodeDeploy deployment id, or the ARN of
 * an ECS-native service deployment (the deployment-id output of an ECS-native deploy step). An ARN is
 * checked here, before any AWS call, to be of this cluster, service and region.
 */
import { ConfigurationError, quote } from '@oaktree/action-kit';

const CODEDEPLOY_ID = /^d-[A-Z0-9]{9}$/;
const SERVICE_DEPLOYMENT_ARN =
  /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):\d{12}:service-deployment\/([A-Za-z0-9_-]{1,255})\/([A-Za-z0-9_-]{1,255})\/[A-Za-z0-9_-]+$/;

export function isServiceDeploymentArn(id: string | undefined): boolean {
  return SERVICE_DEPLOYMENT_ARN.test(id ?? '');
}

export function checkDeploymentId(
  id: string,
  command: string,
  where: { clusterName: string; serviceName: string; region: string },
): void {
  if (CODEDEPLOY_ID.test(id)) return;
  const m = SERVICE_DEPLOYMENT_ARN.exec(id);
  if (!m)
    throw new ConfigurationError(
      `input "deployment-id" is ${quote(id)}: expected the deployment to ${command}: a CodeDeploy id (d-XXXXXXXXX) or an ECS service deployment ARN (arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>), the deployment-id output of the deploy step`,
      'deployment-id',
    );
  const [, region, cluster, service] = m;
  if (cluster !== where.clusterName || service !== where.serviceName)
    throw new ConfigurationError(
      `input "deployment-id" is a service deployment of ${cluster}/${service}, not of ${where.clusterName}/${where.serviceName}: set cluster and service to that service, or use this service's deployment`,
      'deployment-id',
    );
  if (region !== where.region)
    throw new ConfigurationError(
      `input "deployment-id" is a service deployment in ${region}, but the step works in ${where.region}: set region to ${region}`,
      'deployment-id',
    );
}
