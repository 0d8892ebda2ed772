import { Elysia } from 'elysia';
import type { SimControl } from './control-service.ts';
import { ControlError } from './control-views.ts';
import { accountRoutes } from './routes/account-routes.ts';
import { faultRoutes } from './routes/fault-routes.ts';
import { groupRoutes } from './routes/group-routes.ts';
import { messageRoutes } from './routes/message-routes.ts';
import { pairingRoutes } from './routes/pairing-routes.ts';


interface ControlApiOptions {
  readonly control: SimControl;
  /** Drops every client and listens again: the "simulator restart" fault. */
  readonly restart: () => Promise<void>;
  readonly prefix?: string;
}

const fail = (status: number, error: string, code: string): Response => Response.json({ success: false, error, code }, { status });

/**
 * The simulator's control API as a mountable Elysia app. Errors use contract A's
 * `{success:false,error,code}`; invalid input is a 400 (not Elysia's 422) that names the field.
 */
export const controlApi = ({ control, restart, prefix = '/sim' }: ControlApiOptions) =>
  new Elysia({ prefix, name: 'wa-simulator-control' })
    .onError({ as: 'scoped' }, ({ code, error }) => {
      if (error instanceof ControlError) return fail(error.status, error.message, error.code);
      if (code === 'VALIDATION') {
        const field = error.valueError?.path?.replace(/^\//, '') || 'body';
        return fail(400, `invalid ${field}: ${error.valueError?.message ?? 'bad value'}`, 'VALIDATION');
      }
      if (code === 'PARSE') return fail(400, 'the body is not valid JSON', 'VALIDATION');
      if (code === 'NOT_FOUND') return fail(404, 'not found', 'NOT_FOUND');
      return fail(500, error instanceof Error ? error.message : 'internal error', 'INTERNAL');
    })
    .use(accountRoutes(control))
    .use(pairingRoutes(control))
    .use(messageRoutes(control))
    .use(groupRoutes(control))
    .use(faultRoutes(control, restart));
