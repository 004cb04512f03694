import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import type { Scene } from '../run.js';

const scene: Scene = {
  title: 'Wiring: a fixture action reads inputs, calls AWS through the shared client, hands state to post',
  order: 0,
  async play(ctx) {
    const rds = new RDSClient({
      region: 'us-east-1',
      endpoint: ctx.motoUrl,
      credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
    });
    for (const id of ['orders-db', 'billing-db'])
      await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: id,
          Engine: 'postgres',
          DBInstanceClass: 'db.t3.micro',
          AllocatedStorage: 20,
        }),
      );
    ctx.say('Seeded two PostgreSQL instances in us-east-1.');
    await ctx.run('wiring', {
      action: 'test/fixtures/actions/wiring',
      inputs: { message: 'hello from the demo' },
    });
    await ctx.run('wiring with a bad input', {
      action: 'test/fixtures/actions/wiring',
      inputs: { message: 'x', repeat: 'many' },
    });
  },
};
export default scene;
