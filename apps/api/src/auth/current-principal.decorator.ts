import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Principal } from '@app/catalog';
import { UnauthorizedError } from '@app/platform';
import type { AuthenticatedRequest } from './bearer-auth.guard';

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new UnauthorizedError();
  return principal;
});
